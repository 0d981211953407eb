package io.srrrs.embedded;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/** Topic creation for the brokers here: one replica, and a topic that already exists is no error. */
final class Topics {

    /** Admin timeouts for a broker that answers at once (in this JVM, or just checked ready). */
    static final Map<String, String> QUICK_ADMIN = Map.of("request.timeout.ms", "5000", "default.api.timeout.ms", "10000");

    private Topics() {
    }

    /** One attempt; what went wrong other than "exists already" is thrown as the admin client threw it. */
    static void create(Map<String, Object> admin, String name, int partitions, Map<String, String> configs,
                       long timeoutSeconds) throws ExecutionException, InterruptedException,
            TimeoutException {
        try (Admin a = Admin.create(admin)) {
            a.createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs))).all()
                    .get(timeoutSeconds, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }

    /** One attempt, every failure an {@link IllegalStateException}: the brokers' plain createTopic. */
    static void createOnce(Map<String, Object> admin, String name, int partitions, Map<String, String> configs) {
        try {
            create(admin, name, partitions, configs, 30);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot create topic " + name + ": " + e.getCause(), e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topic " + name + ": " + e, e);
        }
    }
}
