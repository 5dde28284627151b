// Request JSON: the strict parser and brief validation must refuse garbage
// with an error value, never crash, hang or throw; an accepted brief written
// back (JsonWriter, as the job view writes it) is valid JSON that validates
// again to the same content.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/json.h"
#include "core/json_writer.h"
#include "model/brief.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto json = aiprod::ParseJsonStrict(text, "brief");
  if (!json) return 0;
  auto brief = aiprod::BriefFromJson(*json, {});
  if (!brief) return 0;
  aiprod::JsonWriter w;
  w.BeginObject();
  aiprod::WriteBriefMembers(w, *brief);
  w.EndObject();
  auto again = aiprod::ParseJsonStrict(w.text(), "written brief");
  if (!again) std::abort();
  auto reread = aiprod::BriefFromJson(*again, {});
  if (!reread || reread->content != brief->content || reread->target_langs != brief->target_langs) {
    std::abort();
  }
  return 0;
}
