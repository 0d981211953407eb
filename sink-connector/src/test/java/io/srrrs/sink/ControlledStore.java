package io.srrrs.sink;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/**
 * The task's store client in front of the real S3Proxy, holding back or failing PutObject and
 * UploadPart on cue, and recording the order in which they started and finished.
 */
final class ControlledStore implements InvocationHandler {

    private final S3Client real;
    /** Per key: PutObject/UploadPart calls of that key wait for the gate to open. */
    final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();
    /** Per key: how many next calls fail, and with what. */
    final Map<String, List<RuntimeException>> failures = new ConcurrentHashMap<>();
    final List<String> started = Collections.synchronizedList(new ArrayList<>());
    /** "key:length" of each successful upload, in the order they finished. */
    final List<String> succeeded = Collections.synchronizedList(new ArrayList<>());

    ControlledStore(S3Client real) {
        this.real = real;
    }

    S3Client client() {
        return (S3Client) Proxy.newProxyInstance(S3Client.class.getClassLoader(), new Class<?>[] {S3Client.class}, this);
    }

    CountDownLatch gate(String key) {
        return gates.computeIfAbsent(key, k -> new CountDownLatch(1));
    }

    void failNext(String key, RuntimeException e) {
        failures.computeIfAbsent(key, k -> Collections.synchronizedList(new ArrayList<>())).add(e);
    }

    static RuntimeException unreachable() {
        return SdkClientException.create("connection refused (test)");
    }

    static RuntimeException denied() {
        return (S3Exception) S3Exception.builder().statusCode(403).message("Access Denied")
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("AccessDenied").errorMessage("Access Denied").build())
                .build();
    }

    int startedCount() {
        return started.size();
    }

    long succeededFor(String key) {
        synchronized (succeeded) {
            return succeeded.stream().filter(s -> s.startsWith(key + ":")).count();
        }
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        String name = method.getName();
        boolean upload = ("putObject".equals(name) || "uploadPart".equals(name)) && args != null && args.length == 2
                && args[0] instanceof Consumer;
        String key = upload ? keyOf(name, args[0]) : null;
        if (upload) {
            started.add(key);
            CountDownLatch gate = gates.get(key);
            if (gate != null && !gate.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("gate of " + key + " never opened");
            }
            List<RuntimeException> fail = failures.get(key);
            if (fail != null && !fail.isEmpty()) {
                throw fail.remove(0);
            }
        }
        try {
            Object out = method.invoke(real, args);
            if (upload) {
                succeeded.add(key + ":" + ((software.amazon.awssdk.core.sync.RequestBody) args[1]).optionalContentLength()
                        .orElse(-1L));
            }
            return out;
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @SuppressWarnings("unchecked")
    private static String keyOf(String name, Object mutation) {
        if ("putObject".equals(name)) {
            PutObjectRequest.Builder b = PutObjectRequest.builder();
            ((Consumer<PutObjectRequest.Builder>) mutation).accept(b);
            return b.build().key();
        }
        UploadPartRequest.Builder b = UploadPartRequest.builder();
        ((Consumer<UploadPartRequest.Builder>) mutation).accept(b);
        return b.build().key();
    }
}
