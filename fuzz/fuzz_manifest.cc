// Manifest validation (production manifest and single variant): garbage is an
// error value; whatever validates serializes and validates again.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/json.h"
#include "model/manifest.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto json = aiprod::ParseJsonStrict(text, "manifest");
  if (!json) return 0;
  if (auto m = aiprod::ManifestFromJson(*json)) {
    if (!aiprod::ManifestFromJson(aiprod::ManifestToJson(*m))) std::abort();  // round trip
  }
  if (auto p = aiprod::ProductionManifestFromJson(*json)) {
    if (!aiprod::ProductionManifestFromJson(aiprod::ProductionManifestToJson(*p))) std::abort();
  }
  return 0;
}
