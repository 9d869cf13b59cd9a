package tw.tongbao.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MachineDescriptionTests {

    @Test
    void namesTheProcessorModelFromCpuinfo() {
        String cpuinfo = """
                processor\t: 0
                vendor_id\t: AuthenticAMD
                model name\t: AMD EPYC 7B13
                processor\t: 1
                model name\t: AMD EPYC 7B13
                """;

        assertThat(Bench.cpuModel(cpuinfo)).isEqualTo("AMD EPYC 7B13");
    }

    @Test
    void saysSoWhenCpuinfoNamesNoModel() {
        assertThat(Bench.cpuModel("processor\t: 0\n")).isEqualTo("?");
    }
}
