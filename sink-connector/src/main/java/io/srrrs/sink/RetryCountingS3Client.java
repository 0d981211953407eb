package io.srrrs.sink;

import java.util.List;
import java.util.function.Function;
import java.util.function.LongConsumer;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.metrics.CoreMetric;
import software.amazon.awssdk.metrics.MetricCollection;
import software.amazon.awssdk.metrics.MetricPublisher;
import software.amazon.awssdk.services.s3.DelegatingS3Client;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Request;

/**
 * The task's store client, counting the retries the SDK makes inside each call (its own retry
 * strategy, invisible to the task otherwise): most store trouble is absorbed there, and an
 * operator needs to see it before it becomes failures. Reads the SDK's per-call RETRY_COUNT metric.
 */
final class RetryCountingS3Client extends DelegatingS3Client {

    private final MetricPublisher publisher;

    RetryCountingS3Client(S3Client delegate, LongConsumer retried) {
        super(delegate);
        this.publisher = new MetricPublisher() {
            @Override
            public void publish(MetricCollection call) {
                List<Integer> counts = call.metricValues(CoreMetric.RETRY_COUNT);
                long n = counts.stream().mapToLong(Integer::longValue).sum();
                if (n > 0) {
                    retried.accept(n);
                }
            }

            @Override
            public void close() {
                // nothing held
            }
        };
    }

    @Override
    @SuppressWarnings("unchecked")
    protected <T extends S3Request, R> R invokeOperation(T request, Function<T, R> operation) {
        AwsRequestOverrideConfiguration.Builder o = request.overrideConfiguration()
                .map(AwsRequestOverrideConfiguration::toBuilder).orElseGet(AwsRequestOverrideConfiguration::builder);
        T counted = (T) request.toBuilder().overrideConfiguration(o.addMetricPublisher(publisher).build()).build();
        return operation.apply(counted);
    }
}
