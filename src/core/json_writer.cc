#include "core/json_writer.h"

#include <charconv>

namespace aiprod {

void JsonWriter::Separate() {
  if (after_value_) out_ += ',';
}

JsonWriter& JsonWriter::Open(char c) {
  Separate();
  out_ += c;
  after_value_ = false;
  return *this;
}

JsonWriter& JsonWriter::Close(char c) {
  out_ += c;
  after_value_ = true;
  return *this;
}

JsonWriter& JsonWriter::Key(std::string_view key) {
  Separate();
  Escaped(key);
  out_ += ':';
  after_value_ = false;
  return *this;
}

JsonWriter& JsonWriter::String(std::string_view s) {
  Separate();
  Escaped(s);
  after_value_ = true;
  return *this;
}

JsonWriter& JsonWriter::Int(int64_t v) {
  Separate();
  char buf[24];
  auto end = std::to_chars(buf, buf + sizeof buf, v).ptr;
  out_.append(buf, end);
  after_value_ = true;
  return *this;
}

JsonWriter& JsonWriter::Bool(bool v) {
  Separate();
  out_ += v ? "true" : "false";
  after_value_ = true;
  return *this;
}

JsonWriter& JsonWriter::Null() {
  Separate();
  out_ += "null";
  after_value_ = true;
  return *this;
}

JsonWriter& JsonWriter::Value(const Json& v) {
  Separate();
  if (v.is_null() || v.is_discarded()) {  // discarded: a column that did not parse
    out_ += "null";
  } else {
    out_ += v.dump(-1, ' ', false, Json::error_handler_t::replace);
  }
  after_value_ = true;
  return *this;
}

void JsonWriter::Escaped(std::string_view s) {
  // Plain ASCII without quotes, backslashes or control characters is copied;
  // anything else goes through Json::dump, which escapes and repairs UTF-8.
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') {
      out_ += Json(std::string(s)).dump(-1, ' ', false, Json::error_handler_t::replace);
      return;
    }
  }
  out_ += '"';
  out_ += s;
  out_ += '"';
}

}  // namespace aiprod
