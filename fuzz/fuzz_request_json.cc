// Request JSON: the strict parser and brief validation must refuse garbage
// with an error value, never crash, hang or throw.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/json.h"
#include "model/brief.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto json = aiprod::ParseJsonStrict(text, "brief");
  if (!json) return 0;
  auto brief = aiprod::BriefFromJson(*json, {});
  if (brief) (void)aiprod::BriefToJson(*brief).dump();
  return 0;
}
