package io.srrrs.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.srrrs.crypto.format.EncryptionContext;
import io.srrrs.crypto.kms.KekAllowList;
import io.srrrs.crypto.kms.KekId;
import io.srrrs.crypto.kms.Kms;
import io.srrrs.crypto.kms.UnknownKeyException;
import io.srrrs.schemas.PayloadReference;
import io.srrrs.schemas.UriSource;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/**
 * {@link KekPolicy}: which KEK alias a reference gets (its own, the template's, the default) and
 * whether the KEK it resolves to may be used. One test per rule.
 */
class KekPolicyTest {

    static final String TOPIC = "payload-refs";
    static final EncryptionContext TENANT_ACME = EncryptionContext.of(Map.of("tenant", "acme"));

    /** A KMS that only resolves aliases, from a fixed table; nothing else is asked of it here. */
    static Kms resolving(Map<String, String> aliases) {
        return (Kms) Proxy.newProxyInstance(Kms.class.getClassLoader(), new Class<?>[] {Kms.class}, (proxy, method, args) -> {
            if (!method.getName().equals("resolve")) {
                throw new UnsupportedOperationException(method.getName());
            }
            String id = aliases.get((String) args[0]);
            if (id == null) {
                throw new UnknownKeyException("no key " + args[0]);
            }
            return new KekId(id);
        });
    }

    static KekAllowList allowed(String... entries) {
        return KekAllowList.of(List.of(entries), List.of());
    }

    static PayloadReference ref(String kekAlias) {
        return PayloadReference.newBuilder().setId("id").setSource(new UriSource("inline:x")).setBucket("bucket")
                .setKey("k").setEncryptionContext(Map.of()).setKekAlias(kekAlias).build();
    }

    static RejectReason refusal(KekPolicy policy, PayloadReference ref, EncryptionContext context) {
        try {
            throw new AssertionError("got alias " + policy.aliasFor(ref, context, TOPIC));
        } catch (BadReferenceException e) {
            return e.reason();
        }
    }

    @Test
    void aTemplateOrTheOverrideWithAnEmptyAllowListRefusesToStart() {
        assertThatThrownBy(() -> new KekPolicy("orders", "tenant-${context.tenant}", false, allowed()))
                .isInstanceOf(ConfigException.class).hasMessageContaining(KekAllowList.KEY)
                .hasMessageContaining(TopologyConfig.KEK_TEMPLATE);
        assertThatThrownBy(() -> new KekPolicy("orders", "", true, allowed()))
                .isInstanceOf(ConfigException.class).hasMessageContaining(TopologyConfig.KEK_REFERENCE_OVERRIDE);
    }

    @Test
    void withNeitherTheDefaultIsTheOnlyKekAndNeedsNoAllowList() {
        KekPolicy policy = new KekPolicy(" orders ", " ", false, allowed());
        assertThat(policy.allowedEntries()).containsExactly("orders");
        assertThat(new KekPolicy("", "", false, allowed()).allowedEntries()).isEmpty();
    }

    @Test
    void theDefaultIsAddedToAWrittenOutAllowList() {
        assertThat(new KekPolicy("orders", "", true, allowed("tenant-*")).allowedEntries())
                .containsExactly("tenant-*", "orders");
    }

    @Test
    void aReferenceNamingAKekIsRefusedUnlessTheOverrideIsOn() throws Exception {
        KekPolicy off = new KekPolicy("orders", "", false, allowed());
        assertThat(refusal(off, ref("tenant-acme"), TENANT_ACME)).isEqualTo(RejectReason.KEK_NOT_ALLOWED);
        KekPolicy on = new KekPolicy("orders", "tenant-${context.tenant}", true, allowed("tenant-*"));
        assertThat(on.aliasFor(ref(" tenant-globex "), TENANT_ACME, TOPIC)).as("before the template, trimmed")
                .isEqualTo("tenant-globex");
    }

    @Test
    void aBlankKekAliasCountsAsNone() throws Exception {
        KekPolicy off = new KekPolicy("orders", "", false, allowed());
        assertThat(off.aliasFor(ref("  "), TENANT_ACME, TOPIC)).isEqualTo("orders");
    }

    @Test
    void theTemplateExpandsTopicBucketAndContextValues() throws Exception {
        KekPolicy policy = new KekPolicy("orders", "KEK_${topic}-${bucket}/${context.tenant}", false, allowed("*"));
        assertThat(policy.aliasFor(ref(null), TENANT_ACME, TOPIC)).as("before the default")
                .isEqualTo("KEK_payload-refs-bucket/acme");
    }

    @Test
    void anUnknownPlaceholderGoesToTheDlqAsNoKek() {
        KekPolicy policy = new KekPolicy("", "tenant-${partition}", false, allowed("*"));
        assertThat(refusal(policy, ref(null), TENANT_ACME)).isEqualTo(RejectReason.NO_KEK);
    }

    @Test
    void aMissingContextValueGoesToTheDlqAsNoKekNotToTheDefault() {
        KekPolicy policy = new KekPolicy("orders", "tenant-${context.tenant}", false, allowed("*"));
        assertThat(refusal(policy, ref(null), EncryptionContext.of())).isEqualTo(RejectReason.NO_KEK);
    }

    @Test
    void aValueThatCouldReachAnotherKeyIsRefused() {
        KekPolicy policy = new KekPolicy("", "tenant-${context.tenant}", false, allowed("*"));
        for (String value : List.of("acme/../admin", "*", "a b", "x".repeat(65), "")) {
            assertThat(refusal(policy, ref(null), EncryptionContext.of(Map.of("tenant", value)))).as(value)
                    .isEqualTo(RejectReason.NO_KEK);
        }
    }

    @Test
    void withNoReferenceAliasNoTemplateAndNoDefaultThereIsNoKek() {
        assertThat(refusal(new KekPolicy("", "", false, allowed()), ref(null), TENANT_ACME)).isEqualTo(RejectReason.NO_KEK);
    }

    @Test
    void aResolvedKekOffTheAllowListIsRefused() throws Exception {
        Kms kms = resolving(Map.of("orders", "orders", "alias/acme", "arn:aws:kms:eu-west-1:111122223333:key/acme"));
        KekPolicy policy = new KekPolicy("orders", "", true, allowed("tenant-*", "alias/acme"));
        policy.check(new KekId("orders"), kms, null, "");
        policy.check(new KekId("tenant-globex"), kms, null, "");
        policy.check(new KekId("arn:aws:kms:eu-west-1:111122223333:key/acme"), kms, null, "");
        assertThatThrownBy(() -> policy.check(new KekId("other"), kms, null, "")).isInstanceOf(BadReferenceException.class)
                .hasMessageContaining("'other'").hasMessageContaining(KekAllowList.KEY)
                .extracting(e -> ((BadReferenceException) e).reason()).isEqualTo(RejectReason.KEK_NOT_ALLOWED);
    }

    @Test
    void theAccountsHoldForEveryArnWhateverEntryMatchedIt() throws Exception {
        KekPolicy policy = new KekPolicy("", "", true, KekAllowList.of(List.of("*"), List.of("111122223333")));
        Kms kms = resolving(Map.of());
        policy.check(new KekId("arn:aws:kms:eu-west-1:111122223333:key/a"), kms, null, "");
        assertThatThrownBy(() -> policy.check(new KekId("arn:aws:kms:eu-west-1:444455556666:key/a"), kms, null, ""))
                .isInstanceOf(BadReferenceException.class).hasMessageContaining(KekAllowList.ACCOUNTS_KEY);
    }

    @Test
    void aPolicyRuleNarrowsTheKeksFurther() throws Exception {
        KekPolicy policy = new KekPolicy("", "", true, allowed("tenant-*"));
        PolicyRule acme = PolicyRule.parseAll("acme:kek=tenant-acme", List.of()).get("acme");
        Kms kms = resolving(Map.of());
        policy.check(new KekId("tenant-acme"), kms, acme, "rule acme");
        assertThatThrownBy(() -> policy.check(new KekId("tenant-globex"), kms, acme, "rule acme"))
                .isInstanceOf(BadReferenceException.class).hasMessageContaining("rule acme")
                .hasMessageContaining("tenant-acme")
                .extracting(e -> ((BadReferenceException) e).reason()).isEqualTo(RejectReason.KEK_NOT_ALLOWED);
        PolicyRule bucketsOnly = PolicyRule.parseAll("acme:bucket=acme-data", List.of()).get("acme");
        policy.check(new KekId("tenant-globex"), kms, bucketsOnly, "rule acme");
    }

    @Test
    void aMalformedAllowListEntryIsAConfigError() {
        TopologyConfig config = TopologyConfig.of(Map.of(TopologyConfig.KEK_ALLOWED, "tenant-*,bad\u0001entry",
                TopologyConfig.KEK_REFERENCE_OVERRIDE, "true"));
        assertThatThrownBy(() -> KekPolicy.from(config)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(KekAllowList.KEY);
        TopologyConfig accounts = TopologyConfig.of(Map.of(TopologyConfig.KEK_ALLOWED, "*",
                TopologyConfig.KEK_ALLOWED_ACCOUNTS, "12345"));
        assertThatThrownBy(() -> KekPolicy.from(accounts)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(KekAllowList.ACCOUNTS_KEY);
    }
}
