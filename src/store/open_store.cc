#include "store/sql_store.h"

namespace aiprod {

Result<std::unique_ptr<Store>> OpenStore(const std::string& url) {
  AIPROD_ASSIGN(auto pool, OpenPool(url));
  return std::unique_ptr<Store>(std::make_unique<SqlStore>(std::move(pool)));
}

}  // namespace aiprod
