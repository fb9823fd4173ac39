package org.brainseg.cli.command;

import org.brainseg.cli.Main;
import picocli.CommandLine;

/** Version from the jar manifest, or "dev" when run from classes. */
public final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Main.class.getPackage().getImplementationVersion();
        return new String[] {"brainseg " + (v == null ? "dev" : v)};
    }
}
