# Sourced by ./brainseg, ./bench/run and the images' brainseg entry point (POSIX sh).
# glibc malloc: keep freed memory for the next tensor instead of returning it to the OS after each op and
# faulting it back in on the next (2-3x a network's time on VMs where a page fault is dear); PyTorch's own
# allocator: 2 MB pages. docs/BENCHMARKS.md, "Memory allocator". Each can be overridden from the environment;
# BRAINSEG_GLIBC_MALLOC=1 leaves glibc's defaults.
if [ "${BRAINSEG_GLIBC_MALLOC:-0}" != 1 ]; then
  export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-1}" MALLOC_TRIM_THRESHOLD_="${MALLOC_TRIM_THRESHOLD_:-4294967295}" \
    MALLOC_MMAP_THRESHOLD_="${MALLOC_MMAP_THRESHOLD_:-33554432}" MALLOC_TOP_PAD_="${MALLOC_TOP_PAD_:-268435456}" \
    THP_MEM_ALLOC_ENABLE="${THP_MEM_ALLOC_ENABLE:-1}"
fi
