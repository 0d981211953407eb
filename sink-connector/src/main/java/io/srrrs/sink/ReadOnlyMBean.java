package io.srrrs.sink;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;

/**
 * An MBean of named numbers read when asked (so a gauge such as an age is computed at read time).
 * Attribute names are the metric's snake_case suffix, so that the JMX exporter's rules map them
 * to the contract's names one to one (deploy/connect/jmx-exporter.yaml).
 */
final class ReadOnlyMBean implements DynamicMBean {

    private final Map<String, Supplier<Number>> attributes;

    /** @param attributes in the order they are listed; each supplier must be thread-safe */
    ReadOnlyMBean(Map<String, Supplier<Number>> attributes) {
        this.attributes = Map.copyOf(attributes);
    }

    @Override
    public Object getAttribute(String name) throws AttributeNotFoundException {
        Supplier<Number> s = attributes.get(name);
        if (s == null) {
            throw new AttributeNotFoundException(name);
        }
        return s.get();
    }

    @Override
    public AttributeList getAttributes(String[] names) {
        AttributeList out = new AttributeList();
        for (String n : names) {
            Supplier<Number> s = attributes.get(n);
            if (s != null) {
                out.add(new Attribute(n, s.get()));
            }
        }
        return out;
    }

    @Override
    public void setAttribute(Attribute attribute) {
        throw new UnsupportedOperationException("read-only metrics");
    }

    @Override
    public AttributeList setAttributes(AttributeList attributes) {
        return new AttributeList(); // read-only: none set
    }

    @Override
    public Object invoke(String action, Object[] params, String[] signature) {
        throw new UnsupportedOperationException("read-only metrics");
    }

    @Override
    public MBeanInfo getMBeanInfo() {
        List<MBeanAttributeInfo> infos = new ArrayList<>();
        for (Map.Entry<String, Supplier<Number>> e : attributes.entrySet()) {
            String type = e.getValue().get() instanceof Double ? Double.class.getName() : Long.class.getName();
            infos.add(new MBeanAttributeInfo(e.getKey(), type, e.getKey(), true, false, false));
        }
        return new MBeanInfo(ReadOnlyMBean.class.getName(), "SRRRS sink task metrics", infos.toArray(
                MBeanAttributeInfo[]::new), null, null, null);
    }
}
