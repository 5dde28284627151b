// qa: replaced once the probe lands.
#include "pipeline/stages/stages.h"
namespace aiprod {
std::unique_ptr<Stage> MakeQaStage() { return nullptr; }
}  // namespace aiprod
