// Secrets hygiene: where secrets may come from and when they are too weak.
// Secrets come from the environment, from AIPROD_<NAME>_FILE files, or from
// a secrets file (`secrets_file`) that only its owner may read. They are never
// logged: `Config::ToJsonRedacted` hides them and nothing else prints them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/config.h"
#include "core/error.h"

namespace aiprod {

// Fails unless `path` is a regular file that neither its group nor others can
// read or write (mode & 077 == 0).
Status CheckPrivateFile(const std::string& path);

// Why `secret` is too weak to protect anything ("shorter than 32 bytes",
// "a well-known default", "a single repeated character"); empty if it is fine.
std::string WeakSecretReason(std::string_view secret, size_t min_bytes = 32);

// True when the database URL carries a well-known default password
// (postgres://user:postgres@..., "password", "changeme", ...).
bool HasDefaultPassword(std::string_view database_url);

// What stops `config` from running as a production server: authentication
// off, a secret missing or weak, a default password, a JWKS URL that is not
// https. Empty when ready. Never includes a secret's value.
std::vector<std::string> ProductionProblems(const Config& config);

}  // namespace aiprod
