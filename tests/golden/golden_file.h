// Golden files: a JSON result compared with the copy stored in tests/golden/,
// or written there when AIPROD_UPDATE_GOLDEN=1 (scripts/update-golden).
#pragma once

#include <string>

#include "core/json.h"

namespace aiprod::testing {

// Rounds every floating-point number in `j` to 6 significant digits, so a
// last-bit difference between compilers or libm versions is no change while a
// planned duration or price that moves is.
Json RoundNumbers(Json j);

// Compares `actual` (pretty-printed, keys sorted) with tests/golden/`name`;
// a mismatch fails the test with a unified diff and the command that
// regenerates the file. With AIPROD_UPDATE_GOLDEN=1 the file is (re)written
// instead and the test passes.
void ExpectMatchesGolden(const std::string& name, const Json& actual);

}  // namespace aiprod::testing
