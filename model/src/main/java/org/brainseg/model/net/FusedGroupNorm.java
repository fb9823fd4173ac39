package org.brainseg.model.net;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * libtorch's fused {@code group_norm} kernel (statistics and γ, β in two passes over the
 * activations), which DJL's native library does not expose: reached through a TorchScript module
 * of one line, {@code torch.group_norm(x, G, w, b, eps)}, that this class writes itself (no Python,
 * nothing checked in) and loads once per group count. Forward and backward are libtorch's own
 * ({@code native_group_norm}, {@code native_group_norm_backward}); the module has no parameters
 * and no state, so one instance serves every thread and device.
 *
 * <p>The composition it replaced (PyTorch's batch-norm kernel on a (1, N·G, −1) view, then γ, β in
 * a second batch-norm call) cost 3.3× this kernel in a profile (docs/BENCHMARKS.md, "Where the
 * {@code layer} forward's extra time goes").
 */
final class FusedGroupNorm {
    private static final Map<Integer, PtSymbolBlock> MODULES = new ConcurrentHashMap<>();

    /** The modules' manager, made on first use and never closed: the modules live as long as the engine. */
    private static final class Owner {
        static final PtNDManager MANAGER = (PtNDManager) Engine.getEngine("PyTorch").newBaseManager();
    }

    private FusedGroupNorm() {}

    /**
     * Group normalization of (N, C, D, H, W) {@code x} with per-channel {@code gamma}, {@code beta}
     * (shape (C)); records autograd when {@code training}.
     */
    static NDArray apply(NDArray x, int groups, NDArray gamma, NDArray beta, boolean training) {
        PtSymbolBlock module = MODULES.computeIfAbsent(groups, FusedGroupNorm::load);
        return IValueUtils.forward(module, new NDList(x, gamma, beta), training).singletonOrThrow();
    }

    private static PtSymbolBlock load(int groups) {
        try {
            return JniUtils.loadModule(Owner.MANAGER, new ByteArrayInputStream(archive(groups)), true, false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load the group_norm module", e);
        }
    }

    /**
     * The TorchScript archive (format version 3, as PyTorch 1.13 writes it for this module): the
     * code, the pickled module object (class {@code __torch__.GroupNorm}, attribute
     * {@code training}), the empty constants table and the version.
     */
    static byte[] archive(int groups) throws IOException {
        if (groups < 1) {
            throw new IllegalArgumentException("groups must be at least 1, got " + groups);
        }
        String code = "class GroupNorm(Module):\n"
                + "  __parameters__ = []\n"
                + "  __buffers__ = []\n"
                + "  training : bool\n"
                + "  def forward(self: __torch__.GroupNorm,\n"
                + "    x: Tensor,\n"
                + "    w: Tensor,\n"
                + "    b: Tensor) -> Tensor:\n"
                + String.format(Locale.ROOT, "    return torch.group_norm(x, %d, w, b, %s)\n", groups,
                        Double.toString(NormalizationLayers.EPSILON));
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        data.write(new byte[] {(byte) 0x80, 2}); // pickle protocol 2
        data.write("c__torch__\nGroupNorm\n".getBytes(StandardCharsets.US_ASCII)); // GLOBAL: the module's class
        data.write(new byte[] {')', (byte) 0x81, '}', 'X', 8, 0, 0, 0}); // () NEWOBJ, {} and the key "training"
        data.write("training".getBytes(StandardCharsets.US_ASCII));
        data.write(new byte[] {(byte) 0x89, 's', 'b', '.'}); // False, SETITEM, BUILD, STOP
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(zip)) {
            put(z, "group_norm/data.pkl", data.toByteArray());
            put(z, "group_norm/code/__torch__.py", code.getBytes(StandardCharsets.UTF_8));
            put(z, "group_norm/constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'}); // an empty tuple
            put(z, "group_norm/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        }
        return zip.toByteArray();
    }

    private static void put(ZipOutputStream z, String name, byte[] bytes) throws IOException {
        z.putNextEntry(new ZipEntry(name));
        z.write(bytes);
        z.closeEntry();
    }
}
