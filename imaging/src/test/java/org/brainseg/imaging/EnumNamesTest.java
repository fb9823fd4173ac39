package org.brainseg.imaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.brainseg.imaging.dataset.DatasetLayout;
import org.brainseg.imaging.dataset.Modality;
import org.brainseg.imaging.labels.LabelConvention;
import org.junit.jupiter.api.Test;

class EnumNamesTest {
    @Test
    void shouldParseTrimmedAndCaseInsensitive() {
        assertThat(Modality.parse(" T1CE ")).isEqualTo(Modality.T1CE);
        assertThat(DatasetLayout.parse("MSD")).isEqualTo(DatasetLayout.MSD);
        assertThat(LabelConvention.parse("brats2021\n")).isEqualTo(LabelConvention.BRATS2021);
    }

    @Test
    void shouldNameTheAcceptedValuesWhenUnknown() {
        assertThatThrownBy(() -> Modality.parse("pd"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown modality 'pd' (expected t1, t1ce, t2 or flair)");
        assertThatThrownBy(() -> DatasetLayout.parse("brats2018"))
                .hasMessage("unknown layout 'brats2018' (expected brats2020, brats2023 or msd)");
        assertThatThrownBy(() -> LabelConvention.parse("x"))
                .hasMessage("unknown label convention 'x' (expected internal, brats2021, brats2023 or msd)");
    }

    @Test
    void shouldListOneTwoAndMoreNames() {
        assertThat(EnumNames.list(new String[] {"a"}, s -> s)).isEqualTo("a");
        assertThat(EnumNames.list(new String[] {"a", "b"}, s -> s)).isEqualTo("a or b");
        assertThat(EnumNames.list(new String[] {"a", "b", "c"}, s -> s)).isEqualTo("a, b or c");
    }
}
