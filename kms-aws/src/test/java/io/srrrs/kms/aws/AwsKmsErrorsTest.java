package io.srrrs.kms.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.srrrs.crypto.format.EncryptionContext;
import io.srrrs.crypto.kms.InvalidWrappedKeyException;
import io.srrrs.crypto.kms.KekId;
import io.srrrs.crypto.kms.KeyDisabledException;
import io.srrrs.crypto.kms.KmsAccessDeniedException;
import io.srrrs.crypto.kms.KmsException;
import io.srrrs.crypto.kms.DecoratedKms;
import io.srrrs.crypto.kms.KmsThrottledException;
import io.srrrs.crypto.kms.KmsUnavailableException;
import io.srrrs.crypto.kms.UnknownKeyException;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DisabledException;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyRequest;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;
import software.amazon.awssdk.services.kms.model.InvalidCiphertextException;
import software.amazon.awssdk.services.kms.model.KmsInternalException;
import software.amazon.awssdk.services.kms.model.KmsInvalidStateException;
import software.amazon.awssdk.services.kms.model.NotFoundException;

/**
 * How AWS KMS errors map to our exception types, and which the resilience decorator retries.
 * moto cannot produce most of these (it does not enforce key state or throttle), so one class,
 * the SDK's {@link KmsClient}, is replaced by a stub that throws what AWS documents.
 */
class AwsKmsErrorsTest {

    /** A KmsClient whose GenerateDataKey throws what {@code error} supplies, counting calls. */
    static final class ThrowingClient implements KmsClient {
        final AtomicInteger calls = new AtomicInteger();
        final Supplier<SdkException> error;

        ThrowingClient(Supplier<SdkException> error) {
            this.error = error;
        }

        @Override
        public GenerateDataKeyResponse generateDataKey(Consumer<GenerateDataKeyRequest.Builder> request) {
            calls.incrementAndGet();
            throw error.get();
        }

        @Override
        public String serviceName() {
            return "kms";
        }

        @Override
        public void close() {
        }
    }

    static SdkException aws(String code, int status) {
        return software.amazon.awssdk.services.kms.model.KmsException.builder().statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(code).build()).build();
    }

    record Case(Supplier<SdkException> error, Class<? extends KmsException> expected, int callsWithRetries) {
    }

    @Test
    void eachAwsErrorBecomesItsOwnTypeAndOnlyTransientOnesAreRetried() {
        Case[] cases = {
                new Case(() -> NotFoundException.builder().message("not found").build(), UnknownKeyException.class, 1),
                new Case(() -> aws("UnrecognizedClientException", 400), KmsAccessDeniedException.class, 1),
                new Case(() -> aws("AccessDeniedException", 400), KmsAccessDeniedException.class, 1),
                new Case(() -> DisabledException.builder().message("disabled").build(), KeyDisabledException.class, 1),
                new Case(() -> KmsInvalidStateException.builder().message("pending deletion").build(),
                        KeyDisabledException.class, 1),
                new Case(() -> InvalidCiphertextException.builder().message("bad").build(), InvalidWrappedKeyException.class, 1),
                new Case(() -> aws("ThrottlingException", 400), KmsThrottledException.class, 3),
                new Case(() -> aws("LimitExceededException", 400), KmsThrottledException.class, 3),
                new Case(() -> KmsInternalException.builder().statusCode(500).message("internal").build(),
                        KmsUnavailableException.class, 3),
                new Case(() -> SdkClientException.create("connection refused"), KmsUnavailableException.class, 3),
        };
        for (Case c : cases) {
            ThrowingClient client = new ThrowingClient(c.error());
            DecoratedKms.Config config = new DecoratedKms.Config(new io.srrrs.crypto.kms.ResilientKms.RetryPolicy(3,
                    java.time.Duration.ofMillis(1), java.time.Duration.ofMillis(1)), io.srrrs.crypto.kms.DekCache.Limits.DEFAULTS,
                    io.srrrs.crypto.kms.UnwrappedDekCache.Limits.DEFAULTS);
            try (DecoratedKms stack = DecoratedKms.around(new AwsKms(client), config, Clock.systemUTC(), millis -> { })) {
                String name = c.error().get().getClass().getSimpleName();
                assertThatThrownBy(() -> stack.kms().generateDataKey(new KekId("arn:aws:kms:eu-west-1:1:key/k"),
                        EncryptionContext.of("tenant", "acme")))
                        .as(name).isInstanceOf(c.expected())
                        .hasMessageContaining("GenerateDataKey on arn:aws:kms:eu-west-1:1:key/k");
                assertThat(client.calls.get()).as(name + " calls").isEqualTo(c.callsWithRetries());
            }
        }
    }
}
