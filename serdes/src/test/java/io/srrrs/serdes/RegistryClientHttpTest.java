package io.srrrs.serdes;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.srrrs.serdes.registry.HttpSchemaRegistryClient;
import io.srrrs.serdes.registry.RegistryConfig;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * What the client puts on the wire, against a stub HTTP server: basic auth and the Confluent
 * content type. (The real registry does not check credentials in our tests, so this is where the
 * header itself is verified.)
 */
class RegistryClientHttpTest {

    @Test
    void sendsBasicAuthAndTheConfluentContentType() throws Exception {
        AtomicReference<String> auth = new AtomicReference<>();
        AtomicReference<String> accept = new AtomicReference<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/schemas/ids/1", exchange -> {
            auth.set(exchange.getRequestHeaders().getFirst("Authorization"));
            accept.set(exchange.getRequestHeaders().getFirst("Accept"));
            byte[] body = "{\"schema\":\"\\\"string\\\"\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(RegistryConfig.fromProperties(Map.of(
                    RegistryConfig.URL, "http://127.0.0.1:" + server.getAddress().getPort() + "/",
                    RegistryConfig.BASIC_AUTH_USER_INFO, "alice:s3cret")));
            assertThat(client.schemaById(1).getType()).isEqualTo(org.apache.avro.Schema.Type.STRING);
            assertThat(auth.get()).isEqualTo("Basic " + Base64.getEncoder().encodeToString("alice:s3cret".getBytes()));
            assertThat(accept.get()).contains("application/vnd.schemaregistry.v1+json");
            // Cached: a second lookup does not call again.
            auth.set(null);
            client.schemaById(1);
            assertThat(auth.get()).isNull();
        } finally {
            server.stop(0);
        }
    }
}
