package io.srrrs.topology.source;

import io.srrrs.schemas.InlineSource;
import io.srrrs.schemas.PayloadReference;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;

/** The payload is in the reference itself. */
public final class InlinePayloadSource implements PayloadSource {

    @Override
    public OpenedPayload open(PayloadReference reference, SourceDeadline deadline) {
        ByteBuffer data = ((InlineSource) reference.getSource()).getData().duplicate();
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        return new OpenedPayload(new ByteArrayInputStream(bytes), bytes.length);
    }
}
