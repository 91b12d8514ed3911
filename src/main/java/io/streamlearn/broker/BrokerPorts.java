package io.streamlearn.broker;

import java.util.Optional;

/**
 * The two ports a combined broker+controller listens on. Kept together because they are chosen,
 * saved and reused together: a restarted broker should come back at the address its clients know.
 */
record BrokerPorts(int broker, int controller) {

    /**
     * A requested port wins; 0 means "whatever this directory used last time", or a free port for
     * a fresh directory.
     */
    static BrokerPorts resolve(int requestedBroker, int requestedController, Optional<BrokerPorts> saved) {
        int broker = requestedBroker != 0 ? requestedBroker
                : saved.map(BrokerPorts::broker).orElseGet(LoopbackPorts::free);
        int controller = requestedController != 0 ? requestedController
                : saved.map(BrokerPorts::controller).orElseGet(LoopbackPorts::free);
        while (controller == broker && requestedController == 0) {
            controller = LoopbackPorts.free();
        }
        if (controller == broker) {
            throw new IllegalArgumentException("broker and controller need different ports, both are " + broker);
        }
        return new BrokerPorts(broker, controller);
    }

    /** @throws BrokerStartException naming the port that another process holds */
    void requireFree() {
        LoopbackPorts.requireFree(broker, "Kafka client port");
        LoopbackPorts.requireFree(controller, "Kafka controller port");
    }
}
