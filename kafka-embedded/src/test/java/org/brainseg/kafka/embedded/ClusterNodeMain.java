package org.brainseg.kafka.embedded;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * One node (broker and KRaft controller) of a {@link KafkaCluster}, in a JVM of its own so that it
 * can be killed, paused and restarted like a real broker process. Prints {@code READY <id>} once
 * the cluster lists it; SIGTERM shuts it down cleanly (the shutdown hook), SIGKILL does not.
 *
 * <p>Arguments: node id, log directory, client port, controller port, the quorum's voters
 * ({@code id@host:port,...}), the cluster id.
 */
public final class ClusterNodeMain {
    private ClusterNodeMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 6) {
            System.err.println("usage: ClusterNodeMain NODE_ID LOG_DIR BROKER_PORT CONTROLLER_PORT VOTERS CLUSTER_ID");
            System.exit(2);
        }
        int replicas = args[4].split(",").length;
        String minIsr = Integer.toString(Math.max(1, replicas - 1));
        EmbeddedKafka node = EmbeddedKafka.builder().nodeId(Integer.parseInt(args[0])).logDir(Path.of(args[1]))
                .brokerPort(Integer.parseInt(args[2])).controllerPort(Integer.parseInt(args[3]))
                .clusterMember(args[5], args[4])
                // production replication: every internal topic on every node, writes need two of three
                .brokerProperty("offsets.topic.replication.factor", Integer.toString(replicas))
                .brokerProperty("transaction.state.log.replication.factor", Integer.toString(replicas))
                .brokerProperty("transaction.state.log.min.isr", minIsr)
                .brokerProperty("share.coordinator.state.topic.replication.factor", Integer.toString(replicas))
                .brokerProperty("share.coordinator.state.topic.min.isr", minIsr)
                .brokerProperty("default.replication.factor", Integer.toString(replicas))
                .brokerProperty("min.insync.replicas", minIsr)
                // a paused follower leaves the ISR after 10 s instead of 30 s, so acks=all writes resume sooner
                .brokerProperty("replica.lag.time.max.ms", "10000")
                .startupTimeout(java.time.Duration.ofMinutes(3))
                .build();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            stopped.countDown();
        }, "cluster-node-shutdown"));
        node.start();
        System.out.println("READY " + args[0]);
        System.out.flush();
        stopped.await();
    }
}
