// Writes JSON text straight into a string, for hot replies: building a Json
// tree first costs a map node and a copy per member, then a walk to print it.
// The caller writes members in the order it wants and closes what it opens;
// nothing checks the nesting. Strings are escaped as Json::dump does (invalid
// UTF-8 replaced by U+FFFD), so a value prints the same either way.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/json.h"

namespace aiprod {

class JsonWriter {
 public:
  JsonWriter& BeginObject() { return Open('{'); }
  JsonWriter& EndObject() { return Close('}'); }
  JsonWriter& BeginArray() { return Open('['); }
  JsonWriter& EndArray() { return Close(']'); }
  JsonWriter& Key(std::string_view key);
  JsonWriter& String(std::string_view s);
  JsonWriter& Int(int64_t v);
  JsonWriter& Bool(bool v);
  JsonWriter& Null();
  JsonWriter& Value(const Json& v);  // any JSON value, printed compactly
  // Key(key) then the value; for the common member forms.
  template <class T>
  JsonWriter& Member(std::string_view key, const T& v) {
    Key(key);
    return Put(v);
  }

  const std::string& text() const { return out_; }
  std::string Take() { return std::move(out_); }

 private:
  JsonWriter& Open(char c);
  JsonWriter& Close(char c);
  void Separate();  // the comma before a value or key that follows another
  void Escaped(std::string_view s);
  JsonWriter& Put(std::string_view s) { return String(s); }
  JsonWriter& Put(const std::string& s) { return String(s); }
  JsonWriter& Put(const char* s) { return String(s); }
  JsonWriter& Put(bool v) { return Bool(v); }
  JsonWriter& Put(int v) { return Int(v); }
  JsonWriter& Put(int64_t v) { return Int(v); }
  JsonWriter& Put(const Json& v) { return Value(v); }

  std::string out_;
  bool after_value_ = false;  // the last thing written ends a value
};

}  // namespace aiprod
