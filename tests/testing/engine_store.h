// A suite run on every engine ("sqlite", "postgres"): each test gets a fresh,
// migrated Store of the engine named by its parameter.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "store/store.h"
#include "testing/postgres.h"

namespace aiprod::testing {

class EngineStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    ASSERT_TRUE(db_.ok());
    auto s = OpenStore(db_.url());
    ASSERT_TRUE(s) << s.error().ToString();
    store_ = std::move(*s);
    ASSERT_TRUE(store_->Migrate());
  }

  EngineDatabase db_{GetParam()};
  std::unique_ptr<Store> store_;
};

}  // namespace aiprod::testing
