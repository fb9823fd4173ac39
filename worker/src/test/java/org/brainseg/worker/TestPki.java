package org.brainseg.worker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway certificate authority for TLS tests, made with the JDK's own {@code keytool} at
 * test time (nothing checked in, nothing from outside the JDK): a CA, a broker key pair with a
 * certificate the CA signed for {@code 127.0.0.1} and {@code localhost}, and a truststore that
 * holds only the CA. PKCS12 stores, EC P-256 keys (fast to generate), valid for two days.
 */
record TestPki(Path brokerKeystore, Path truststore, String password) {

    static TestPki create(Path dir) throws IOException, InterruptedException {
        String pw = "changeit-" + Long.toHexString(System.nanoTime());
        Path ca = dir.resolve("ca.p12");
        Path broker = dir.resolve("broker.p12");
        Path trust = dir.resolve("truststore.p12");
        Path csr = dir.resolve("broker.csr");
        Path crt = dir.resolve("broker.crt");
        Path caCrt = dir.resolve("ca.crt");
        keytool("-genkeypair", "-keystore", ca, "-storetype", "PKCS12", "-storepass", pw, "-alias", "ca",
                "-dname", "CN=brainseg test CA", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-ext", "bc:c");
        keytool("-exportcert", "-keystore", ca, "-storepass", pw, "-alias", "ca", "-rfc", "-file", caCrt);
        keytool("-genkeypair", "-keystore", broker, "-storetype", "PKCS12", "-storepass", pw, "-alias", "broker",
                "-dname", "CN=localhost", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2");
        keytool("-certreq", "-keystore", broker, "-storepass", pw, "-alias", "broker", "-file", csr);
        keytool("-gencert", "-keystore", ca, "-storepass", pw, "-alias", "ca", "-infile", csr, "-outfile", crt, "-rfc",
                "-validity", "2", "-ext", "san=ip:127.0.0.1,dns:localhost", "-ext", "eku=serverAuth");
        keytool("-importcert", "-keystore", broker, "-storepass", pw, "-alias", "ca", "-file", caCrt, "-noprompt");
        keytool("-importcert", "-keystore", broker, "-storepass", pw, "-alias", "broker", "-file", crt);
        keytool("-importcert", "-keystore", trust, "-storetype", "PKCS12", "-storepass", pw, "-alias", "ca", "-file", caCrt,
                "-noprompt");
        return new TestPki(broker, trust, pw);
    }

    private static void keytool(Object... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        for (Object a : args) {
            cmd.add(a.toString());
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool " + args[0] + " failed: " + out);
        }
    }
}
