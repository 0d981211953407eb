package io.srrrs.cli;

import io.srrrs.crypto.pki.LocalCa;
import io.srrrs.embedded.EmbeddedKafka;
import io.srrrs.embedded.FreePorts;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A single-node KRaft broker set up as docker-compose.yml's kafka service: every listener mutual
 * TLS 1.3, CN=&lt;name&gt; as User:&lt;name&gt;, StandardAuthorizer denying what no ACL grants
 * ({@link EmbeddedKafka} with those overrides; it authenticates to itself as User:kafka, a super
 * user). Loopback only.
 */
final class MutualTlsKafka implements AutoCloseable {

    /** docker-compose.yml's KAFKA_SSL_PRINCIPAL_MAPPING_RULES, with Compose's $$ unescaped. */
    static final String MAPPING_RULES = "RULE:^CN=([a-z0-9-]+)$/$1/,DEFAULT";

    private final EmbeddedKafka broker;
    private final LocalCa ca;

    private MutualTlsKafka(EmbeddedKafka broker, LocalCa ca) {
        this.broker = broker;
        this.ca = ca;
    }

    static MutualTlsKafka start(Path dir, LocalCa ca) throws Exception {
        Map<String, String> compose = Map.of(
                "ssl.client.auth", "required",
                "ssl.principal.mapping.rules", MAPPING_RULES,
                "authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
                "allow.everyone.if.no.acl.found", "false",
                "super.users", "User:kafka;User:admin");
        return new MutualTlsKafka(EmbeddedKafka.start(dir, ca, FreePorts.next(), FreePorts.next(), compose), ca);
    }

    String bootstrapServers() {
        return broker.bootstrapServers();
    }

    /** Client settings authenticating as User:{@code name} with its certificate from the CA. */
    Map<String, Object> clientProperties(String name) throws Exception {
        LocalCa.ServerIdentity id = ca.server(name, List.of("localhost"));
        Map<String, Object> m = new HashMap<>(broker.clientProperties());
        m.put("ssl.keystore.location", id.keystore().toString());
        m.put("ssl.keystore.password", new String(id.password()));
        m.put("ssl.key.password", new String(id.password()));
        m.put("ssl.keystore.type", "PKCS12");
        return m;
    }

    @Override
    public void close() {
        broker.close();
    }
}
