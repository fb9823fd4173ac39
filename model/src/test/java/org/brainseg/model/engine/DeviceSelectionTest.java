package org.brainseg.model.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What {@code --device} selects, for a machine with and without GPUs (the choice itself, no engine needed). */
class DeviceSelectionTest {
    @ParameterizedTest(name = "{0} with {1} GPUs -> {2}")
    @CsvSource({
        "cpu, 0, cpu",
        "cpu, 2, cpu",
        "gpu, 1, gpu",
        "GPU, 4, gpu",
        "auto, 0, cpu",
        "auto, 1, gpu",
    })
    void shouldSelectCudaWhenAGpuIsPresent(String choice, int gpus, String expectedType) {
        Device d = EngineSettings.resolve(DeviceChoice.parse(choice), gpus);
        assertThat(d.getDeviceType()).isEqualTo(expectedType);
        if (d.isGpu()) {
            assertThat(d.getDeviceId()).as("the first GPU").isZero();
        }
    }

    @Test
    void shouldRefuseGpuWithoutOneAndSayHowToGetIt() {
        assertThatThrownBy(() -> EngineSettings.resolve(DeviceChoice.GPU, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-Pcuda");
    }

    @Test
    void shouldRejectAnUnknownDeviceName() {
        assertThatThrownBy(() -> DeviceChoice.parse("tpu")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tpu").hasMessageContaining("cpu, gpu or auto");
    }

    @Test
    void shouldResolveTheCpuOnThisBuildWhoseNativesAreCpuOnly() {
        assertThat(EngineSettings.of(DeviceChoice.AUTO, 1).apply()).isEqualTo(Device.cpu());
    }
}
