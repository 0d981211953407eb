package io.srrrs.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.srrrs.crypto.pki.LocalCa;
import io.srrrs.crypto.pki.Tls;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import javax.net.ssl.SSLContext;

/**
 * What the registry answers for every subject: its latest schema id and text. Taken before a
 * registry is killed and after it is back, to prove that ids in the logs still mean the same
 * schemas (a registry that forgot them would hand the same ids to other schemas).
 */
final class RegistryProbe {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http;
    private final String url;

    RegistryProbe(ChaosStack stack) throws Exception {
        SSLContext ssl = Tls.clientContext(stack.ca.truststore(), LocalCa.TRUSTSTORE_PASSWORD, "PKCS12");
        this.http = HttpClient.newBuilder().sslContext(ssl).sslParameters(Tls.onlyTls13(ssl))
                .connectTimeout(Duration.ofSeconds(5)).build();
        this.url = stack.registryUrl();
    }

    /** Subject to "id schema" for the latest version of each. */
    Map<String, String> snapshot() throws Exception {
        Map<String, String> out = new TreeMap<>();
        for (JsonNode subject : get("/subjects")) {
            String s = subject.asText();
            JsonNode latest = get("/subjects/" + URLEncoder.encode(s, StandardCharsets.UTF_8) + "/versions/latest");
            int id = latest.get("id").asInt();
            JsonNode byId = get("/schemas/ids/" + id);
            out.put(s, id + " " + byId.get("schema").asText());
        }
        return out;
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("registry GET " + path + " answered " + r.statusCode());
        }
        return JSON.readTree(r.body());
    }
}
