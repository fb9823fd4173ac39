package org.brainseg.model.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.brainseg.schemas.Normalization;
import org.junit.jupiter.api.Test;

class UNetFlopsTest {
    @Test
    void shouldCountTheDefaultNetworkByHand() {
        // Depth 3, width 8, per full-resolution voxel: enc0 4·8·27 + 8·8·27 = 2592; enc1 (8·16 + 16·16)·27 / 8
        // = 1296; enc2 (16·32 + 32·32)·27 / 64 = 648; up1 32·16 / 64 = 8; dec1 (32·16 + 16·16)·27 / 8 = 2592;
        // up0 16·8 / 8 = 16; dec0 (16·8 + 8·8)·27 = 5184; head 8·4 = 32: 12368 MACs.
        double perVoxel = 2.0 * 12368;
        UNetConfig c = UNetConfig.defaults();
        assertThat(UNetFlops.forward(c, 1, 64, 64, 64)).isCloseTo(perVoxel * 64 * 64 * 64, within(1.0));
        assertThat(UNetFlops.forward(c, 2, 64, 64, 64)).isCloseTo(2 * perVoxel * 64 * 64 * 64, within(1.0));
        assertThat(UNetFlops.forward(c, 1, 32, 64, 128)).isCloseTo(perVoxel * 32 * 64 * 128, within(1.0));
        assertThat(UNetFlops.trainingStep(c, 1, 64, 64, 64)).isCloseTo(3 * perVoxel * 64 * 64 * 64, within(1.0));
    }

    @Test
    void shouldCountOneLevelAsTwoConvolutionsAndTheHead() {
        UNetConfig c = UNetConfig.brats(1, 2, Normalization.NONE);
        double macs = (4 * 2 * 27 + 2 * 2 * 27 + 2 * 4) * 8.0;
        assertThat(UNetFlops.forward(c, 1, 2, 2, 2)).isCloseTo(2 * macs, within(1e-9));
    }

    @Test
    void shouldRejectSizesTheNetworkRejects() {
        assertThatThrownBy(() -> UNetFlops.forward(UNetConfig.defaults(), 1, 66, 64, 64))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("66");
    }
}
