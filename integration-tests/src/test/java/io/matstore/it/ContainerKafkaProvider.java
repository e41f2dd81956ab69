package io.matstore.it;

import io.matstore.kafka.local.KafkaBroker;
import io.matstore.kafka.local.KafkaBrokerProvider;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Opt-in broker for machines with a Docker engine: {@code ./mvnw verify -Dmatstore.kafka=testcontainers} runs the
 * suites on the official apache/kafka image (KRaft) instead of the embedded broker. {@code stop()} pauses the
 * container, so failure tests see the broker vanish and come back at the same address with its log.
 */
public final class ContainerKafkaProvider implements KafkaBrokerProvider {
    static final DockerImageName IMAGE = DockerImageName.parse("apache/kafka:4.3.1");

    @Override
    public String name() {
        return "testcontainers";
    }

    @Override
    public KafkaBroker create() {
        return new ContainerBroker(new KafkaContainer(IMAGE));
    }

    private static final class ContainerBroker implements KafkaBroker {
        private final KafkaContainer container;
        private boolean paused;

        ContainerBroker(KafkaContainer container) {
            this.container = container;
        }

        @Override
        public synchronized KafkaBroker start() {
            if (!container.isRunning()) {
                container.start();
            } else if (paused) {
                container
                        .getDockerClient()
                        .unpauseContainerCmd(container.getContainerId())
                        .exec();
                paused = false;
            }
            return this;
        }

        @Override
        public synchronized void stop() {
            if (container.isRunning() && !paused) {
                container
                        .getDockerClient()
                        .pauseContainerCmd(container.getContainerId())
                        .exec();
                paused = true;
            }
        }

        @Override
        public synchronized boolean isRunning() {
            return container.isRunning() && !paused;
        }

        @Override
        public String bootstrapServers() {
            return container.getBootstrapServers();
        }

        @Override
        public void createTopic(String name, int partitions, Map<String, String> configs) {
            try (Admin admin = admin()) {
                admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs)))
                        .all()
                        .get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("cannot create topic " + name, e.getCause());
                }
            } catch (Exception e) {
                throw new IllegalStateException("cannot create topic " + name, e);
            }
        }

        @Override
        public Admin admin() {
            Properties p = new Properties();
            p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
            return Admin.create(p);
        }

        @Override
        public void close() {
            container.stop();
        }
    }
}
