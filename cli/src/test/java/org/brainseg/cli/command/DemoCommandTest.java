package org.brainseg.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad `demo` options end in exit 2 with a message naming the option, before anything is started or written. */
class DemoCommandTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--promotion=sometimes | unknown promotion 'sometimes'",
        "--timeout=0           | --timeout must be at least 1 minute",
        "--cases=1             | --cases must be 2..500",
        "--cases=100000        | --cases must be 2..500",
        "--spacing=0           | --spacing must be 1..6 mm",
        "--spacing=NaN         | --spacing must be 1..6 mm",
        "--worker-port=70000   | ports must be 0..65535",
        "--trainer-port=-1     | ports must be 0..65535",
        "--data=/nonexistent/brats | --data /nonexistent/brats: not a directory",
        "--import-bundle=/nonexistent/bundle | --import-bundle /nonexistent/bundle: no such file or folder",
        "--orthanc=ftp://pacs.example/ | --orthanc must be an http:// or https:// URL",
        "--orthanc=pacs:8042       | --orthanc must be an http:// or https:// URL",
        "--orthanc=http://user:pw@pacs:8042/ | --orthanc must not carry credentials",
        "--orthanc-user=brainseg   | --orthanc-user goes with --orthanc",
        "--orthanc=http://[bad     | Invalid value for option '--orthanc'",
    })
    void refusesBadOptionsWithoutSideEffects(String option, String message) {
        Path work = tmp.resolve("work");
        CliTest.Run r = CliTest.run("demo", option, "--work-dir", work.toString(), "--cache-dir", tmp.resolve("cache").toString());
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains(message);
        assertThat(Files.exists(work)).isFalse();
        assertThat(Files.exists(tmp.resolve("cache"))).isFalse();
    }

    @org.junit.jupiter.api.Test
    void refusesAnOrthancUserWithoutAPasswordInTheEnvironment() {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("BRAINSEG_ORTHANC_PASSWORD") == null);
        Path work = tmp.resolve("work");
        CliTest.Run r = CliTest.run("demo", "--orthanc=http://127.0.0.1:1/", "--orthanc-user=brainseg", "--work-dir", work.toString(),
                "--cache-dir", tmp.resolve("cache").toString());
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains("--orthanc-user needs the password in the environment variable BRAINSEG_ORTHANC_PASSWORD");
        assertThat(Files.exists(work)).isFalse();
    }
}
