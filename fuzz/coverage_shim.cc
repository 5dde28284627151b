// GCC's -fsanitize-coverage=trace-pc calls __sanitizer_cov_trace_pc on every
// edge; the link wraps it (-Wl,--wrap) to this function, which bumps a counter
// per caller address in libFuzzer's extra counters section. Not instrumented.
#include <cstdint>

extern "C" {

__attribute__((section("__libfuzzer_extra_counters"), used)) uint8_t aiprod_fuzz_counters[1 << 16];

__attribute__((no_sanitize_coverage)) void __wrap___sanitizer_cov_trace_pc() {
  auto pc = reinterpret_cast<uintptr_t>(__builtin_return_address(0));
  aiprod_fuzz_counters[(pc ^ (pc >> 16)) & 0xffff]++;
}

// GCC's trace-cmp also reports floating-point comparisons, which libFuzzer
// has no hook for: ignore them.
__attribute__((no_sanitize_coverage)) void __sanitizer_cov_trace_cmpf(float, float) {}
__attribute__((no_sanitize_coverage)) void __sanitizer_cov_trace_cmpd(double, double) {}

}  // extern "C"
