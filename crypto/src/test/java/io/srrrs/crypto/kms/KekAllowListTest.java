package io.srrrs.crypto.kms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.srrrs.crypto.format.EncryptionContext;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KekAllowListTest {

    /** Resolves alias/orders to one ARN and nothing else; counts calls. */
    static final class AliasKms implements Kms {
        int resolves;

        @Override public String type() { return "aws-kms"; }
        @Override public KekId resolve(String aliasOrId) throws KmsException {
            resolves++;
            if (aliasOrId.equals("alias/orders")) {
                return new KekId("arn:aws:kms:eu-west-1:111122223333:key/1111");
            }
            throw new UnknownKeyException("no " + aliasOrId);
        }
        @Override public DataKeyPair generateDataKey(KekId kek, EncryptionContext c) { throw new UnsupportedOperationException(); }
        @Override public DataKey unwrap(WrappedDek w, EncryptionContext c) { throw new UnsupportedOperationException(); }
        @Override public WrappedDek rewrap(WrappedDek w, EncryptionContext c, KekId t) { throw new UnsupportedOperationException(); }
    }

    private final AliasKms kms = new AliasKms();

    @Test
    void anEmptyListAllowsNothing() throws Exception {
        KekAllowList none = KekAllowList.parse("", null);
        assertThat(none.isEmpty()).isTrue();
        assertThat(none.allows(new KekId("orders"), kms)).isFalse();
        assertThatThrownBy(() -> none.check(new KekId("orders"), kms)).isInstanceOf(KekNotAllowedException.class)
                .hasMessageContaining("orders").hasMessageContaining(KekAllowList.KEY);
    }

    @Test
    void namesMatchExactlyAndPatternsMatchTheId() throws Exception {
        KekAllowList list = KekAllowList.parse("orders, tenant-*", "");
        assertThat(list.allows(new KekId("orders"), kms)).isTrue();
        assertThat(list.allows(new KekId("orders2"), kms)).isFalse();
        assertThat(list.allows(new KekId("tenant-acme"), kms)).isTrue();
        assertThat(list.allows(new KekId("xtenant-acme"), kms)).isFalse();
        assertThat(KekAllowList.parse("a.b*", "").allows(new KekId("axb"), kms)).as("a dot is literal").isFalse();
    }

    @Test
    void anAliasAllowsTheKeyItResolvesToAndItsResolutionIsCached() throws Exception {
        KekAllowList list = KekAllowList.parse("alias/orders", "");
        assertThat(list.allows(new KekId("arn:aws:kms:eu-west-1:111122223333:key/1111"), kms)).isTrue();
        assertThat(list.allows(new KekId("arn:aws:kms:eu-west-1:111122223333:key/2222"), kms)).isFalse();
        assertThat(kms.resolves).isEqualTo(1);
        assertThat(KekAllowList.parse("alias/gone", "").allows(new KekId("x"), kms)).isFalse();
    }

    @Test
    void accountsRestrictEveryArnEvenUnderAStar() throws Exception {
        KekAllowList list = KekAllowList.any(List.of("111122223333"));
        assertThat(list.allows(new KekId("arn:aws:kms:eu-west-1:111122223333:key/1111"), kms)).isTrue();
        assertThat(list.allows(new KekId("arn:aws:kms:eu-west-1:999988887777:key/1111"), kms)).isFalse();
        assertThat(KekAllowList.any(List.of()).allows(new KekId("arn:aws:kms:eu-west-1:999988887777:key/1"), kms))
                .isTrue();
    }

    @Test
    void malformedEntriesAreRefusedAtConfigurationTime() {
        assertThatThrownBy(() -> KekAllowList.parse("a", "12345")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(KekAllowList.ACCOUNTS_KEY);
        assertThat(KekAllowList.from(Map.of(KekAllowList.KEY, "x,y")).entries()).containsExactly("x", "y");
        assertThat(KekAllowList.parse("x", "").with("dflt").entries()).containsExactly("x", "dflt");
    }
}
