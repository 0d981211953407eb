package io.srrrs.serdes.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.srrrs.crypto.pki.Tls;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import org.apache.avro.Schema;

/**
 * {@link SchemaRegistryClient} over {@code java.net.http} against the Confluent REST API, which
 * Confluent Schema Registry, Apicurio ({@code /apis/ccompat/v7}), Karapace and Redpanda serve.
 * Ids and their schemas are immutable, so both directions are cached for good.
 */
public final class HttpSchemaRegistryClient implements SchemaRegistryClient {

    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RegistryConfig config;
    private final HttpClient http;
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    /** Keyed by subject and Schema (whose hash Avro caches): no schema is printed per record. */
    private final Map<String, Map<Schema, Integer>> idsBySubjectAndSchema = new ConcurrentHashMap<>();

    public HttpSchemaRegistryClient(RegistryConfig config) {
        this.config = config;
        // Always a TLS 1.3-only context: without one java.net.http would take the JDK default,
        // which offers TLS 1.2 to an https registry (a config built without fromProperties).
        SSLContext ssl = config.sslContext() == null ? defaultTls13() : config.sslContext();
        this.http = HttpClient.newBuilder().connectTimeout(config.timeout()).followRedirects(HttpClient.Redirect.NEVER)
                .sslContext(ssl).sslParameters(Tls.onlyTls13(ssl)).build();
    }

    private static SSLContext defaultTls13() {
        return Tls.tls13ClientContext(null);
    }

    @Override
    public int register(String subject, Schema schema) {
        Map<Schema, Integer> ids = idsBySubjectAndSchema.computeIfAbsent(subject, s -> new ConcurrentHashMap<>());
        Integer cached = ids.get(schema);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = call("POST", "/subjects/" + encode(subject) + "/versions", body(schema));
        int id = answer.get("id").asInt();
        ids.put(schema, id);
        schemasById.putIfAbsent(id, schema);
        return id;
    }

    @Override
    public int lookup(String subject, Schema schema) {
        Map<Schema, Integer> ids = idsBySubjectAndSchema.computeIfAbsent(subject, s -> new ConcurrentHashMap<>());
        Integer cached = ids.get(schema);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = call("POST", "/subjects/" + encode(subject), body(schema));
        int id = answer.get("id").asInt();
        ids.put(schema, id);
        return id;
    }

    @Override
    public Schema schemaById(int id) {
        Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = call("GET", "/schemas/ids/" + id, null);
        Schema schema = parse(answer.get("schema").asText(), "schema id " + id);
        Schema previous = schemasById.putIfAbsent(id, schema);
        return previous == null ? schema : previous;
    }

    @Override
    public RegisteredSchema latest(String subject) {
        return registered(call("GET", "/subjects/" + encode(subject) + "/versions/latest", null));
    }

    @Override
    public RegisteredSchema version(String subject, int version) {
        return registered(call("GET", "/subjects/" + encode(subject) + "/versions/" + version, null));
    }

    @Override
    public boolean isCompatible(String subject, Schema schema) {
        try {
            JsonNode answer = call("POST", "/compatibility/subjects/" + encode(subject) + "/versions/latest",
                    body(schema));
            return answer.path("is_compatible").asBoolean(false);
        } catch (SchemaNotFoundException noSubjectYet) {
            return true; // the first schema of a subject is compatible with nothing before it
        }
    }

    @Override
    public void setCompatibility(String subject, String level) {
        ObjectNode body = JSON.createObjectNode().put("compatibility", level);
        call("PUT", "/config/" + encode(subject), body.toString());
    }

    private RegisteredSchema registered(JsonNode node) {
        int id = node.get("id").asInt();
        Schema schema = schemasById.computeIfAbsent(id, i -> parse(node.get("schema").asText(), "schema id " + i));
        return new RegisteredSchema(node.get("subject").asText(), node.get("version").asInt(), id, schema);
    }

    private static String body(Schema schema) {
        return JSON.createObjectNode().put("schema", schema.toString()).toString();
    }

    private static Schema parse(String text, String what) {
        try {
            return new Schema.Parser().parse(text);
        } catch (RuntimeException e) {
            throw new RegistryException("registry returned an unparsable Avro schema for " + what, 200, 0, e);
        }
    }

    private JsonNode call(String method, String path, String body) {
        URI uri = URI.create(config.url() + path);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(config.timeout())
                .header("Accept", CONTENT_TYPE + ", application/json");
        if (config.basicAuthUserInfo() != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString(config.basicAuthUserInfo().getBytes(StandardCharsets.UTF_8)));
        }
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", CONTENT_TYPE).method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new RegistryException("schema registry at " + config.url() + " unreachable: " + e.getMessage(), 0, 0, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException("interrupted while calling the schema registry", 0, 0, e);
        }
        JsonNode json = readJson(response.body());
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return json;
        }
        int errorCode = json.path("error_code").asInt(status);
        String message = method + " " + path + " -> " + status + ": " + json.path("message").asText(response.body());
        if (status == 404) {
            throw new SchemaNotFoundException(message, errorCode);
        }
        if (status == 409) {
            throw new IncompatibleSchemaException(message);
        }
        throw new RegistryException(message, status, errorCode, null);
    }

    private static JsonNode readJson(String body) {
        try {
            return body == null || body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
        } catch (IOException e) {
            return JSON.createObjectNode().put("message", body.length() > 200 ? body.substring(0, 200) : body);
        }
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
