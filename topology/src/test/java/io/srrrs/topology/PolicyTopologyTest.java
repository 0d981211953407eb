package io.srrrs.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.srrrs.crypto.format.EncryptionContext;
import io.srrrs.crypto.kms.DataKey;
import io.srrrs.crypto.kms.DataKeyPair;
import io.srrrs.crypto.kms.KekId;
import io.srrrs.crypto.kms.Kms;
import io.srrrs.crypto.kms.KmsException;
import io.srrrs.crypto.kms.DecoratedKms;
import io.srrrs.crypto.kms.WrappedDek;
import io.srrrs.crypto.kms.local.LocalKeystoreKms;
import io.srrrs.schemas.EncryptedChunk;
import io.srrrs.schemas.PayloadReference;
import io.srrrs.schemas.RejectedReference;
import io.srrrs.serdes.AvroDeserializer;
import io.srrrs.serdes.AvroSerializer;
import io.srrrs.serdes.InMemorySchemaRegistryClient;
import io.srrrs.topology.source.PayloadSources;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may choose what (issue 10): the KEK (reference override off by default, srrrs.kek.allowed
 * and its accounts on the resolved KEK, before any DEK is asked for), the destination bucket
 * (srrrs.bucket.allowed, required), per-tenant and per-topic rules, and reserved key and metadata
 * names. Inline payloads only, through the TopologyTestDriver, with a real local keystore KMS
 * behind a recorder of every DEK request.
 */
@Timeout(120)
class PolicyTopologyTest {

    static final String OTHER_ACCOUNT_ARN = "arn:aws:kms:us-east-1:444455556666:key/attacker";
    static final String OUR_ACCOUNT_ARN = "arn:aws:kms:us-east-1:111122223333:key/ours";

    @TempDir
    Path dir;
    Map<String, String> settings;
    RecordingKms recording;
    DecoratedKms kms;
    PayloadSources sources;
    TopologyTestDriver driver;
    TestInputTopic<byte[], byte[]> input;
    TestOutputTopic<String, EncryptedChunk> chunks;
    TestOutputTopic<String, RejectedReference> dlq;
    AvroSerializer<PayloadReference> serializer;

    /**
     * The local keystore, recording the KEK of every DEK request; AWS-style ARNs resolve to
     * themselves and their DEKs come from the local KEK "orders" (what account a key is in is
     * what the tests are about, not the wrapping).
     */
    static final class RecordingKms implements Kms {
        final Kms real;
        final List<String> dekRequests = new CopyOnWriteArrayList<>();

        RecordingKms(Kms real) {
            this.real = real;
        }

        @Override
        public String type() {
            return real.type();
        }

        @Override
        public KekId resolve(String aliasOrId) throws KmsException {
            return aliasOrId.startsWith("arn:") ? new KekId(aliasOrId) : real.resolve(aliasOrId);
        }

        @Override
        public DataKeyPair generateDataKey(KekId kek, EncryptionContext context) throws KmsException {
            dekRequests.add(kek.value());
            return real.generateDataKey(kek.value().startsWith("arn:") ? new KekId("orders") : kek, context);
        }

        @Override
        public DataKey unwrap(WrappedDek wrapped, EncryptionContext context) throws KmsException {
            return real.unwrap(wrapped, context);
        }

        @Override
        public WrappedDek rewrap(WrappedDek wrapped, EncryptionContext context, KekId target) throws KmsException {
            return real.rewrap(wrapped, context, target);
        }
    }

    @BeforeEach
    void keys() throws Exception {
        LocalKeystoreKms keystore = LocalKeystoreKms.openOrCreate(dir.resolve("keks.p12"), "pw".toCharArray());
        for (String kek : List.of("orders", "tenant-acme", "tenant-globex", "other")) {
            keystore.createKek(kek);
        }
        settings = new HashMap<>();
        settings.put("application.id", "policy");
        settings.put("bootstrap.servers", "unused:9092");
        settings.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state").toString());
        settings.put(TopologyConfig.KEK_DEFAULT, "orders");
        settings.put(TopologyConfig.BUCKET_ALLOWED, "bucket,acme-data,globex-data,shared");
        settings.put(TopologyConfig.TRANSIENT_MAX_ATTEMPTS, "1");
        settings.put("kms.type", "local");
        settings.put("kms.local.keystore", dir.resolve("keks.p12").toString());
        settings.put("kms.local.password", "pw");
    }

    void start() {
        TopologyConfig config = TopologyConfig.of(settings);
        try {
            recording = new RecordingKms(LocalKeystoreKms.open(dir.resolve("keks.p12"), "pw".toCharArray()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        kms = DecoratedKms.around(recording, DecoratedKms.Config.DEFAULTS);
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
        sources = PayloadSources.from(config);
        EncryptionTopology.Dependencies deps = EncryptorApp.dependencies(config, kms, registry, sources, ObjectCipher.ENVELOPE);
        driver = new TopologyTestDriver(EncryptionTopology.build(config, deps, registry), config.streamsProperties());
        input = driver.createInputTopic("payload-refs", new ByteArraySerializer(), new ByteArraySerializer());
        chunks = driver.createOutputTopic("ciphertext-chunks", new StringDeserializer(),
                new AvroDeserializer<>(EncryptedChunk.class, registry));
        dlq = driver.createOutputTopic("payload-refs.dlq", new StringDeserializer(),
                new AvroDeserializer<>(RejectedReference.class, registry));
        serializer = new AvroSerializer<>(registry, true);
    }

    /** EncryptorApp refuses this configuration before it connects to anything (the broker here does not exist). */
    org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> refusesToStart() {
        return assertThatThrownBy(() -> EncryptorApp.start(TopologyConfig.of(settings)).close())
                .isInstanceOf(ConfigException.class);
    }

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
            sources.close();
            kms.close();
        }
    }

    /** What became of one reference: the KEK id of its object, or the DLQ reason and message. */
    record Outcome(String kekId, String reason, String message) {
    }

    Outcome send(PayloadReference ref) {
        input.pipeInput(ref.getId().getBytes(StandardCharsets.UTF_8), serializer.serialize("payload-refs", ref));
        List<EncryptedChunk> produced = chunks.readValuesToList();
        List<TestRecord<String, RejectedReference>> rejected = dlq.readRecordsToList();
        assertThat(produced.isEmpty()).as("either chunks or a DLQ record for %s", ref.getId())
                .isNotEqualTo(rejected.isEmpty());
        if (!rejected.isEmpty()) {
            assertThat(rejected).hasSize(1);
            RejectedReference r = rejected.get(0).value();
            assertThat(r.getStage()).isEqualTo(RejectReason.valueOf(r.getReason()).stage().name());
            return new Outcome(null, r.getReason(), r.getMessage());
        }
        return new Outcome(produced.get(0).getStart().getKekId(), null, null);
    }

    static PayloadReference.Builder ref(String id, String tenant, String bucket, String key) {
        Map<String, String> context = tenant == null ? Map.of() : Map.of("tenant", tenant);
        return Fixtures.inline(id, new byte[100]).setEncryptionContext(context).setBucket(bucket).setKey(key);
    }

    // ---- KEKs -----------------------------------------------------------------------------------

    @Test
    void theReferenceOverrideIsOffByDefaultAndAKekAliasIsRefused() {
        assertThat(TopologyConfig.DEFINITION.configKeys().get(TopologyConfig.KEK_REFERENCE_OVERRIDE).defaultValue)
                .isEqualTo(false);
        start();
        Outcome o = send(Fixtures.inline("chooser", new byte[10]).setKekAlias("other").build());
        assertThat(o.reason()).isEqualTo(RejectReason.KEK_NOT_ALLOWED.name());
        assertThat(o.message()).contains(TopologyConfig.KEK_REFERENCE_OVERRIDE);
        assertThat(recording.dekRequests).isEmpty();
        assertThat(send(Fixtures.inline("plain", new byte[10]).build()).kekId()).isEqualTo("orders");
    }

    @Test
    void aKekOutsideTheAllowListIsKekNotAllowedBeforeAnyDekIsAskedFor() {
        settings.put(TopologyConfig.KEK_REFERENCE_OVERRIDE, "true");
        settings.put(TopologyConfig.KEK_ALLOWED, "tenant-*");
        start();
        Outcome refused = send(Fixtures.inline("other", new byte[10]).setKekAlias("other").build());
        assertThat(refused.reason()).isEqualTo(RejectReason.KEK_NOT_ALLOWED.name());
        assertThat(refused.message()).contains("'other'").contains(TopologyConfig.KEK_ALLOWED);
        assertThat(recording.dekRequests).as("no DEK under a KEK that is not allowed").isEmpty();
        assertThat(send(Fixtures.inline("acme", new byte[10]).setKekAlias("tenant-acme").build()).kekId())
                .isEqualTo("tenant-acme");
        assertThat(send(Fixtures.inline("default", new byte[10]).build()).kekId())
                .as("the default is always allowed").isEqualTo("orders");
        assertThat(recording.dekRequests).containsExactly("tenant-acme", "orders");
    }

    @Test
    void anArnInAnotherAccountIsRefusedWhenAccountsAreSetEvenUnderStar() {
        settings.put(TopologyConfig.KEK_REFERENCE_OVERRIDE, "true");
        settings.put(TopologyConfig.KEK_ALLOWED, "*");
        settings.put(TopologyConfig.KEK_ALLOWED_ACCOUNTS, "111122223333");
        start();
        Outcome refused = send(Fixtures.inline("foreign", new byte[10]).setKekAlias(OTHER_ACCOUNT_ARN).build());
        assertThat(refused.reason()).isEqualTo(RejectReason.KEK_NOT_ALLOWED.name());
        assertThat(refused.message()).contains(TopologyConfig.KEK_ALLOWED_ACCOUNTS);
        assertThat(send(Fixtures.inline("ours", new byte[10]).setKekAlias(OUR_ACCOUNT_ARN).build()).kekId())
                .isNotNull();
        assertThat(recording.dekRequests).containsExactly(OUR_ACCOUNT_ARN);
    }

    @Test
    void aTemplateOrTheOverrideWithAnEmptyAllowListRefusesToStart() {
        settings.put(TopologyConfig.KEK_TEMPLATE, "tenant-${context.tenant}");
        refusesToStart().hasMessageContaining(TopologyConfig.KEK_ALLOWED).hasMessageContaining(TopologyConfig.KEK_TEMPLATE);
        settings.remove(TopologyConfig.KEK_TEMPLATE);
        settings.put(TopologyConfig.KEK_REFERENCE_OVERRIDE, "true");
        refusesToStart().hasMessageContaining(TopologyConfig.KEK_ALLOWED)
                .hasMessageContaining(TopologyConfig.KEK_REFERENCE_OVERRIDE);
        settings.put(TopologyConfig.KEK_ALLOWED, "*"); // explicit: any KEK
        start();
        assertThat(send(Fixtures.inline("any", new byte[10]).setKekAlias("other").build()).kekId()).isEqualTo("other");
    }

    @Test
    void aMalformedAllowListRefusesToStart() {
        settings.put(TopologyConfig.KEK_ALLOWED_ACCOUNTS, "not-an-account");
        refusesToStart().hasMessageContaining("12 digits");
    }

    // ---- destination buckets ----------------------------------------------------------------------

    @Test
    void anEmptyBucketAllowListRefusesToStartAndAnotherBucketIsPolicyDenied() {
        settings.remove(TopologyConfig.BUCKET_ALLOWED);
        refusesToStart().hasMessageContaining(TopologyConfig.BUCKET_ALLOWED);
        settings.put(TopologyConfig.BUCKET_ALLOWED, "acme-*");
        start();
        Outcome refused = send(ref("elsewhere", "acme", "globex-data", "x").build());
        assertThat(refused.reason()).isEqualTo(RejectReason.POLICY_DENIED.name());
        assertThat(refused.message()).contains("globex-data").contains(TopologyConfig.BUCKET_ALLOWED);
        assertThat(send(ref("pattern", "acme", "acme-data", "x").build()).kekId()).isEqualTo("orders");
        assertThat(recording.dekRequests).containsExactly("orders");
    }

    // ---- per-tenant and per-topic rules -----------------------------------------------------------

    @Test
    void tenantRulesAllowTheirOwnBucketsPrefixesAndKeksAndDenyTheRest() {
        settings.put(TopologyConfig.KEK_TEMPLATE, "tenant-${context.tenant}");
        settings.put(TopologyConfig.KEK_REFERENCE_OVERRIDE, "true");
        settings.put(TopologyConfig.KEK_ALLOWED, "tenant-*");
        settings.put(TopologyConfig.POLICY_MATCH, "context.tenant");
        settings.put(TopologyConfig.POLICY_RULES,
                "acme: kek=tenant-acme | bucket=acme-data | prefix=acme/,shared/ ; globex:kek=tenant-globex|bucket=globex-data");
        start();
        Map<String, Outcome> o = new LinkedHashMap<>();
        o.put("acme-ok", send(ref("acme-ok", "acme", "acme-data", "acme/a.bin").build()));
        o.put("acme-2nd-prefix", send(ref("acme-2nd-prefix", "acme", "acme-data", "shared/a.bin").build()));
        o.put("globex-ok", send(ref("globex-ok", "globex", "globex-data", "any/where.bin").build()));
        o.put("acme-other-bucket", send(ref("acme-other-bucket", "acme", "globex-data", "acme/a.bin").build()));
        o.put("acme-other-prefix", send(ref("acme-other-prefix", "acme", "acme-data", "globex/a.bin").build()));
        o.put("acme-other-kek", send(ref("acme-other-kek", "acme", "acme-data", "acme/a.bin")
                .setKekAlias("tenant-globex").build()));
        o.put("no-rule", send(ref("no-rule", "initech", "acme-data", "acme/a.bin").build()));
        o.put("no-tenant", send(ref("no-tenant", null, "acme-data", "acme/a.bin").build()));

        assertThat(o.get("acme-ok").kekId()).isEqualTo("tenant-acme");
        assertThat(o.get("acme-2nd-prefix").kekId()).isEqualTo("tenant-acme");
        assertThat(o.get("globex-ok").kekId()).isEqualTo("tenant-globex");
        assertThat(o.get("acme-other-bucket").reason()).isEqualTo(RejectReason.POLICY_DENIED.name());
        assertThat(o.get("acme-other-bucket").message()).contains("rule 'acme'").contains("bucket 'globex-data'");
        assertThat(o.get("acme-other-prefix").reason()).isEqualTo(RejectReason.POLICY_DENIED.name());
        assertThat(o.get("acme-other-prefix").message()).contains("rule 'acme'").contains("prefixes (acme/,shared/)");
        assertThat(o.get("acme-other-kek").reason()).isEqualTo(RejectReason.KEK_NOT_ALLOWED.name());
        assertThat(o.get("acme-other-kek").message()).contains("rule 'acme'").contains("tenant-globex");
        assertThat(o.get("no-rule").reason()).isEqualTo(RejectReason.POLICY_DENIED.name());
        assertThat(o.get("no-rule").message()).contains("context.tenant=initech");
        assertThat(o.get("no-tenant").reason()).isEqualTo(RejectReason.POLICY_DENIED.name());
        assertThat(recording.dekRequests).as("DEKs (cached per KEK) only under the allowed KEKs")
                .containsOnly("tenant-acme", "tenant-globex");
    }

    @Test
    void theStarRuleIsForEveryValueWithoutItsOwnAndTopicRulesWork() {
        settings.put(TopologyConfig.POLICY_MATCH, "context.tenant");
        settings.put(TopologyConfig.POLICY_RULES, "acme:bucket=acme-data;*:bucket=shared|prefix=public/");
        start();
        assertThat(send(ref("initech", "initech", "shared", "public/a").build()).kekId()).isEqualTo("orders");
        assertThat(send(ref("unlabelled", null, "shared", "public/a").build()).kekId()).isEqualTo("orders");
        assertThat(send(ref("initech-acme", "initech", "acme-data", "public/a").build()).reason())
                .isEqualTo(RejectReason.POLICY_DENIED.name());
        assertThat(send(ref("acme", "acme", "acme-data", "anything").build()).kekId()).isEqualTo("orders");
        close();

        settings.put(TopologyConfig.POLICY_MATCH, "topic");
        settings.put(TopologyConfig.POLICY_RULES, "payload-refs:bucket=globex-data");
        start();
        assertThat(send(ref("topic-ok", "acme", "globex-data", "k").build()).kekId()).isEqualTo("orders");
        Outcome denied = send(ref("topic-denied", "acme", "acme-data", "k").build());
        assertThat(denied.reason()).isEqualTo(RejectReason.POLICY_DENIED.name());
        assertThat(denied.message()).contains("rule 'payload-refs'").contains("by topic");
    }

    @Test
    void rulesThatDoNotParseOrHalfARuleConfigurationRefuseToStart() {
        settings.put(TopologyConfig.POLICY_MATCH, "context.tenant");
        settings.put(TopologyConfig.POLICY_RULES, "acme:bukket=acme-data");
        refusesToStart().hasMessageContaining("rule 'acme'");
        settings.put(TopologyConfig.POLICY_RULES, "");
        refusesToStart().hasMessageContaining(TopologyConfig.POLICY_RULES + " is empty");
        settings.put(TopologyConfig.POLICY_MATCH, "tenant");
        settings.put(TopologyConfig.POLICY_RULES, "acme:bucket=acme-data");
        refusesToStart().hasMessageContaining("context.<label>");
    }

    // ---- reserved names -----------------------------------------------------------------------------

    @Test
    void keysUnderSrrrsMetaOrWithDotSegmentsAreInvalidKey() {
        start();
        List<String> refused = List.of(".srrrs-meta/x", ".srrrs-meta/objects/a.bin", "/.srrrs-meta/x", "//.srrrs-meta/x",
                "a/../.srrrs-meta/x", "./.srrrs-meta/x", "a/./b", "..", "a/..", ".SRRRS-META/x", ".Srrrs-Meta/y");
        List<Outcome> outcomes = new ArrayList<>();
        for (int i = 0; i < refused.size(); i++) {
            outcomes.add(send(ref("meta-" + i, "acme", "bucket", refused.get(i)).build()));
        }
        assertThat(outcomes).extracting(Outcome::reason).as(refused.toString())
                .containsOnly(RejectReason.INVALID_KEY.name());
        assertThat(outcomes.get(0).message()).contains(".srrrs-meta/");
        // Only that prefix (in any case, as the sink) at the root is reserved; dots inside names are fine.
        for (String fine : List.of("x/.srrrs-meta/y", ".srrrs-meta", "a/.../b", "a..b/.hidden")) {
            assertThat(send(ref("fine-" + fine.hashCode(), "acme", "bucket", fine).build()).kekId()).as(fine)
                    .isEqualTo("orders");
        }
        assertThat(recording.dekRequests).containsOnly("orders");
    }

    @Test
    void metadataNamesAreComparedAsS3StoresThemInLowercase() {
        start();
        for (String name : List.of("SRRRS-Header", "Srrrs-Kek-Id", "srrrs-anything")) {
            Outcome o = send(Fixtures.inline("reserved-" + name, new byte[1]).setUserMetadata(Map.of(name, "x")).build());
            assertThat(o.reason()).as(name).isEqualTo(RejectReason.INVALID_METADATA.name());
        }
        Map<String, String> twice = new LinkedHashMap<>();
        twice.put("Owner", "mallory");
        twice.put("owner", "billing");
        Outcome o = send(Fixtures.inline("twice", new byte[1]).setUserMetadata(twice).build());
        assertThat(o.reason()).isEqualTo(RejectReason.INVALID_METADATA.name());
        assertThat(o.message()).contains("'owner' twice");
        assertThat(recording.dekRequests).isEmpty();
    }
}
