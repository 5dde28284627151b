// The top-level box (atom) order of an ISO BMFF / MP4 file.
#pragma once

#include <string>
#include <vector>

#include "core/error.h"

namespace aiprod::qa {

// Box types in file order ("ftyp", "moov", "mdat", ...). Empty when the file
// does not start like ISO BMFF. kIo when it cannot be read.
Result<std::vector<std::string>> TopLevelBoxes(const std::string& path);

}  // namespace aiprod::qa
