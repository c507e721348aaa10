package com.skyriff.data.spring.boot.app;

/** Which server answered: {@code pg_is_in_recovery()} (a replica) and {@code inet_server_port()}. */
public class Server {
    private boolean replica;
    private int port;

    public boolean isReplica() {
        return replica;
    }

    public void setReplica(boolean replica) {
        this.replica = replica;
    }

    public int getPort() {
        return port;
    }

    public void setPort(int port) {
        this.port = port;
    }

    @Override
    public String toString() {
        return (replica ? "replica" : "primary") + ":" + port;
    }
}
