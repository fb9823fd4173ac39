package org.brainseg.service.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ServiceRunnerTest {
    @Test
    void shouldReturnFatalWhenAServiceFailsEvenIfItCannotClose() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        long t0 = System.nanoTime();
        int code = ServiceRunner.run(onFatal -> {
            new Thread(() -> onFatal.accept(new IllegalStateException("Kafka authentication failed"))).start();
            return () -> never.await(); // a client that cannot finish
        }, "stopping", Duration.ofSeconds(1));
        assertThat(code).isEqualTo(ServiceRunner.EXIT_FATAL);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));
        never.countDown();
    }

    @Test
    void shouldCloseAFailedServiceThatCanClose() throws Exception {
        AtomicBoolean closed = new AtomicBoolean();
        int code = ServiceRunner.run(onFatal -> {
            new Thread(() -> onFatal.accept(new IllegalStateException("model unusable"))).start();
            return () -> closed.set(true);
        }, "stopping");
        assertThat(code).isEqualTo(ServiceRunner.EXIT_FATAL);
        assertThat(closed).isTrue();
    }

    @Test
    void shouldReturnFatalWhenTheStartFails() throws Exception {
        assertThat(ServiceRunner.run(onFatal -> {
            throw new IllegalStateException("cannot reach Kafka");
        }, "stopping")).isEqualTo(ServiceRunner.EXIT_FATAL);
    }
}
