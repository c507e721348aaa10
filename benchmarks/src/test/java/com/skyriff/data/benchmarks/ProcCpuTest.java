package com.skyriff.data.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcCpuTest {
    @Test
    void classify_processTitles_groupsReplicationBackendsAndBackground() {
        assertThat(ProcCpu.classify("postgres: walsender skyriff 127.0.0.1(40112) streaming 0/3A0001F8", true))
                .isEqualTo(ProcCpu.Group.REPLICATION);
        assertThat(ProcCpu.classify("postgres: walreceiver streaming 0/3A0001F8", false))
                .isEqualTo(ProcCpu.Group.REPLICATION);
        assertThat(ProcCpu.classify("postgres: startup recovering 00000001000000000000003A", false))
                .isEqualTo(ProcCpu.Group.REPLICATION);
        assertThat(ProcCpu.classify("postgres: main: walsender skyriff 127.0.0.1(40112) streaming 0/1", true))
                .isEqualTo(ProcCpu.Group.REPLICATION);
        assertThat(ProcCpu.classify("postgres: skyriff bench 127.0.0.1(50212) idle", true))
                .isEqualTo(ProcCpu.Group.PRIMARIES);
        assertThat(ProcCpu.classify("postgres: skyriff bench 127.0.0.1(50213) SELECT", false))
                .isEqualTo(ProcCpu.Group.REPLICAS);
        assertThat(ProcCpu.classify("postgres: checkpointer", true)).isEqualTo(ProcCpu.Group.PG_OTHER);
        assertThat(ProcCpu.classify("postgres: autovacuum worker bench", true)).isEqualTo(ProcCpu.Group.PG_OTHER);
    }

    @Test
    void stat_thisProcess_readsParentAndCpuTicks() {
        long[] st = ProcCpu.stat(ProcessHandle.current().pid());

        assertThat(st).as("/proc/self/stat of this Linux JVM").isNotNull().hasSize(5);
        assertThat(st[0]).as("ppid").isEqualTo(ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L));
        assertThat(st[1] + st[2]).as("utime + stime of a JVM that has run a test").isPositive();
    }
}
