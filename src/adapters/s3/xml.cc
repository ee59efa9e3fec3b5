#include "adapters/s3/xml.h"

#include <algorithm>
#include <charconv>
#include <ctime>

#include "adapters/s3/header_values.h"
#include "adapters/s3/sigv4.h"
#include "core/utc_time.h"

namespace deltaglider::s3 {
namespace {

Error Malformed(std::string_view what) {
  return MakeError(ErrorCode::kCorrupted, "malformed XML: ", what);
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool IsNameChar(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == '.' || c == ':' || u >= 0x80;
}

void AppendUtf8(uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// A recursive-descent reader over one document. Recursion depth is bounded by
// kMaxXmlDepth, so hostile nesting cannot exhaust the stack.
class Reader {
 public:
  explicit Reader(std::string_view doc) : doc_(doc) {}

  Result<XmlElement> Document() {
    DG_RETURN_IF_ERROR(SkipMisc());
    if (AtEnd() || doc_[pos_] != '<') return Malformed("no root element");
    XmlElement root;
    DG_RETURN_IF_ERROR(Element(root, 1));
    DG_RETURN_IF_ERROR(SkipMisc());
    if (!AtEnd()) return Malformed("content after the root element");
    return root;
  }

 private:
  bool AtEnd() const { return pos_ >= doc_.size(); }
  bool StartsWith(std::string_view s) const { return doc_.substr(pos_).starts_with(s); }

  void SkipSpace() {
    while (!AtEnd() && IsSpace(doc_[pos_])) ++pos_;
  }

  // Skips to just past `terminator`; false if it never comes.
  bool SkipPast(std::string_view terminator) {
    const size_t end = doc_.find(terminator, pos_);
    if (end == std::string_view::npos) return false;
    pos_ = end + terminator.size();
    return true;
  }

  // Whitespace, comments and processing instructions (the XML declaration).
  Status SkipMisc() {
    while (true) {
      SkipSpace();
      if (StartsWith("<?")) {
        if (!SkipPast("?>")) return Malformed("unterminated processing instruction");
      } else if (StartsWith("<!--")) {
        if (!SkipPast("-->")) return Malformed("unterminated comment");
      } else if (StartsWith("<!")) {
        return Malformed("DTDs and declarations are not accepted");
      } else {
        return OkStatus();
      }
    }
  }

  Result<std::string> Name() {
    const size_t start = pos_;
    while (!AtEnd() && IsNameChar(doc_[pos_])) ++pos_;
    if (pos_ == start) return Malformed("expected a name");
    return std::string(doc_.substr(start, pos_ - start));
  }

  static std::string LocalName(std::string name) {
    const size_t colon = name.rfind(':');
    return colon == std::string::npos ? name : name.substr(colon + 1);
  }

  // Decodes one entity starting at '&' and appends it.
  Status Entity(std::string& out) {
    const size_t semi = doc_.find(';', pos_);
    if (semi == std::string_view::npos || semi - pos_ > 12) return Malformed("bad entity");
    const std::string_view entity = doc_.substr(pos_ + 1, semi - pos_ - 1);
    pos_ = semi + 1;
    if (entity == "lt") {
      out.push_back('<');
    } else if (entity == "gt") {
      out.push_back('>');
    } else if (entity == "amp") {
      out.push_back('&');
    } else if (entity == "quot") {
      out.push_back('"');
    } else if (entity == "apos") {
      out.push_back('\'');
    } else if (entity.size() >= 2 && entity[0] == '#') {
      const bool hex = entity[1] == 'x' || entity[1] == 'X';
      const std::string_view digits = entity.substr(hex ? 2 : 1);
      uint32_t cp = 0;
      const auto [end, ec] =
          std::from_chars(digits.data(), digits.data() + digits.size(), cp, hex ? 16 : 10);
      if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || cp == 0 ||
          cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        return Malformed("bad character reference");
      }
      AppendUtf8(cp, out);
    } else {
      return Malformed("unknown entity");
    }
    return OkStatus();
  }

  // Skips attributes up to and including '>' or "/>"; returns whether the element
  // was self-closing.
  Result<bool> Attributes() {
    while (true) {
      SkipSpace();
      if (AtEnd()) return Malformed("unterminated start tag");
      if (doc_[pos_] == '>') {
        ++pos_;
        return false;
      }
      if (StartsWith("/>")) {
        pos_ += 2;
        return true;
      }
      DG_RETURN_IF_ERROR(Name());
      SkipSpace();
      if (AtEnd() || doc_[pos_] != '=') return Malformed("attribute without a value");
      ++pos_;
      SkipSpace();
      if (AtEnd() || (doc_[pos_] != '"' && doc_[pos_] != '\'')) {
        return Malformed("unquoted attribute value");
      }
      const char quote = doc_[pos_++];
      const size_t end = doc_.find(quote, pos_);
      if (end == std::string_view::npos) return Malformed("unterminated attribute value");
      pos_ = end + 1;
    }
  }

  // Parses an element starting at '<'.
  Status Element(XmlElement& element, int depth) {
    if (depth > kMaxXmlDepth) return Malformed("nested too deeply");
    ++pos_;  // '<'
    DG_ASSIGN_OR_RETURN(std::string name, Name());
    element.name = LocalName(name);
    DG_ASSIGN_OR_RETURN(bool self_closing, Attributes());
    if (self_closing) return OkStatus();
    while (true) {
      if (AtEnd()) return Malformed("unterminated element <" + name + ">");
      const char c = doc_[pos_];
      if (c == '&') {
        DG_RETURN_IF_ERROR(Entity(element.text));
      } else if (c != '<') {
        element.text.push_back(c);
        ++pos_;
      } else if (StartsWith("</")) {
        pos_ += 2;
        DG_ASSIGN_OR_RETURN(std::string closing, Name());
        SkipSpace();
        if (AtEnd() || doc_[pos_] != '>') return Malformed("bad end tag");
        ++pos_;
        if (closing != name) return Malformed("<" + name + "> closed by </" + closing + ">");
        return OkStatus();
      } else if (StartsWith("<![CDATA[")) {
        pos_ += 9;
        const size_t end = doc_.find("]]>", pos_);
        if (end == std::string_view::npos) return Malformed("unterminated CDATA");
        element.text.append(doc_.substr(pos_, end - pos_));
        pos_ = end + 3;
      } else if (StartsWith("<!--")) {
        if (!SkipPast("-->")) return Malformed("unterminated comment");
      } else if (StartsWith("<?")) {
        if (!SkipPast("?>")) return Malformed("unterminated processing instruction");
      } else if (StartsWith("<!")) {
        return Malformed("declarations are not accepted inside elements");
      } else {
        element.children.emplace_back();
        DG_RETURN_IF_ERROR(Element(element.children.back(), depth + 1));
      }
    }
  }

  std::string_view doc_;
  size_t pos_ = 0;
};

Result<uint64_t> ParseUint(std::string_view field, std::string_view text) {
  uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    return MakeError(ErrorCode::kCorrupted, "malformed XML: ", field, " is not a number: '",
                     text.substr(0, 32), "'");
  }
  return value;
}

}  // namespace

const XmlElement* XmlElement::Child(std::string_view child_name) const {
  for (const XmlElement& child : children) {
    if (child.name == child_name) return &child;
  }
  return nullptr;
}

std::string XmlElement::ChildText(std::string_view child_name) const {
  const XmlElement* child = Child(child_name);
  return child != nullptr ? child->text : std::string();
}

Result<XmlElement> ParseXml(std::string_view document) { return Reader(document).Document(); }

Result<TimePoint> ParseIso8601(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SS[.fff][Z]
  auto digits = [&text](size_t at, size_t n, int& out) {
    if (at + n > text.size()) return false;
    out = 0;
    for (size_t i = at; i < at + n; ++i) {
      if (text[i] < '0' || text[i] > '9') return false;
      out = out * 10 + (text[i] - '0');
    }
    return true;
  };
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  const bool ok = text.size() >= 19 && digits(0, 4, year) && text[4] == '-' &&
                  digits(5, 2, month) && text[7] == '-' && digits(8, 2, day) &&
                  (text[10] == 'T' || text[10] == 't') && digits(11, 2, hour) && text[13] == ':' &&
                  digits(14, 2, minute) && text[16] == ':' && digits(17, 2, second) && month >= 1 &&
                  month <= 12 && day >= 1 && day <= 31 && hour <= 23 && minute <= 59 &&
                  second <= 60;
  size_t rest = 19;
  int64_t millis = 0;
  if (ok && rest < text.size() && text[rest] == '.') {
    ++rest;
    int64_t scale = 100;
    while (rest < text.size() && text[rest] >= '0' && text[rest] <= '9') {
      millis += (text[rest] - '0') * scale;
      scale /= 10;
      ++rest;
    }
  }
  if (ok && rest < text.size() && (text[rest] == 'Z' || text[rest] == 'z')) ++rest;
  if (!ok || rest != text.size()) {
    return MakeError(ErrorCode::kCorrupted, "malformed timestamp '", text.substr(0, 40), "'");
  }
  auto time = UtcTime(UtcFields{year, month, day, hour, minute, second});
  if (!time.ok()) {
    return MakeError(ErrorCode::kCorrupted, "malformed timestamp '", text.substr(0, 40), "'");
  }
  return *time + std::chrono::milliseconds(millis);
}

Result<ListObjectsPage> ParseListObjectsV2(std::string_view document) {
  DG_ASSIGN_OR_RETURN(XmlElement root, ParseXml(document));
  if (root.name != "ListBucketResult") {
    return Malformed("expected <ListBucketResult>, got <" + root.name.substr(0, 40) + ">");
  }
  const bool url_encoded = root.ChildText("EncodingType") == "url";
  auto decode = [url_encoded](const std::string& text) {
    return url_encoded ? UriDecode(text, /*plus_is_space=*/true) : text;
  };
  ListObjectsPage page;
  const std::string truncated = root.ChildText("IsTruncated");
  page.is_truncated = truncated == "true";
  page.next_continuation_token = root.ChildText("NextContinuationToken");
  std::vector<ListEntry> objects;
  std::vector<ListEntry> prefixes;
  for (const XmlElement& child : root.children) {
    if (child.name == "Contents") {
      ListEntry entry;
      entry.key = decode(child.ChildText("Key"));
      if (entry.key.empty()) return Malformed("<Contents> without a <Key>");
      DG_ASSIGN_OR_RETURN(entry.size, ParseUint("Size", child.ChildText("Size")));
      entry.etag = StripQuotes(child.ChildText("ETag"));
      const std::string modified = child.ChildText("LastModified");
      if (!modified.empty()) {
        DG_ASSIGN_OR_RETURN(entry.last_modified, ParseIso8601(modified));
      }
      objects.push_back(std::move(entry));
    } else if (child.name == "CommonPrefixes") {
      ListEntry entry;
      entry.key = decode(child.ChildText("Prefix"));
      entry.is_prefix = true;
      if (entry.key.empty()) return Malformed("<CommonPrefixes> without a <Prefix>");
      prefixes.push_back(std::move(entry));
    }
  }
  auto by_key = [](const ListEntry& a, const ListEntry& b) { return a.key < b.key; };
  std::stable_sort(objects.begin(), objects.end(), by_key);
  std::stable_sort(prefixes.begin(), prefixes.end(), by_key);
  page.entries.reserve(objects.size() + prefixes.size());
  std::merge(objects.begin(), objects.end(), prefixes.begin(), prefixes.end(),
             std::back_inserter(page.entries), by_key);
  if (page.is_truncated && page.next_continuation_token.empty()) {
    return Malformed("truncated listing without a <NextContinuationToken>");
  }
  return page;
}

Result<std::vector<BucketInfo>> ParseListBuckets(std::string_view document) {
  DG_ASSIGN_OR_RETURN(XmlElement root, ParseXml(document));
  if (root.name != "ListAllMyBucketsResult") {
    return Malformed("expected <ListAllMyBucketsResult>, got <" + root.name.substr(0, 40) + ">");
  }
  std::vector<BucketInfo> buckets;
  if (const XmlElement* list = root.Child("Buckets"); list != nullptr) {
    for (const XmlElement& bucket : list->children) {
      if (bucket.name != "Bucket") continue;
      BucketInfo info;
      info.name = bucket.ChildText("Name");
      if (info.name.empty()) return Malformed("<Bucket> without a <Name>");
      const std::string created = bucket.ChildText("CreationDate");
      if (!created.empty()) {
        DG_ASSIGN_OR_RETURN(info.created, ParseIso8601(created));
      }
      buckets.push_back(std::move(info));
    }
  }
  std::sort(buckets.begin(), buckets.end(),
            [](const BucketInfo& a, const BucketInfo& b) { return a.name < b.name; });
  return buckets;
}

Result<std::vector<DeleteFailure>> ParseDeleteResult(std::string_view document) {
  DG_ASSIGN_OR_RETURN(XmlElement root, ParseXml(document));
  if (root.name != "DeleteResult") {
    return Malformed("expected <DeleteResult>, got <" + root.name.substr(0, 40) + ">");
  }
  std::vector<DeleteFailure> failures;
  for (const XmlElement& child : root.children) {
    if (child.name != "Error") continue;
    failures.push_back(DeleteFailure{.key = child.ChildText("Key"),
                                     .code = child.ChildText("Code"),
                                     .message = child.ChildText("Message")});
  }
  return failures;
}

Result<MultipartUploadsPage> ParseListMultipartUploads(std::string_view document) {
  DG_ASSIGN_OR_RETURN(XmlElement root, ParseXml(document));
  if (root.name != "ListMultipartUploadsResult") {
    return Malformed("expected <ListMultipartUploadsResult>, got <" + root.name.substr(0, 40) + ">");
  }
  MultipartUploadsPage page;
  page.is_truncated = root.ChildText("IsTruncated") == "true";
  page.next_key_marker = root.ChildText("NextKeyMarker");
  page.next_upload_id_marker = root.ChildText("NextUploadIdMarker");
  for (const XmlElement& child : root.children) {
    if (child.name != "Upload") continue;
    MultipartUpload upload{child.ChildText("Key"), child.ChildText("UploadId"), {}};
    if (upload.key.empty() || upload.upload_id.empty()) return Malformed("<Upload> without Key or UploadId");
    const std::string initiated = child.ChildText("Initiated");
    if (!initiated.empty()) {
      DG_ASSIGN_OR_RETURN(upload.initiated, ParseIso8601(initiated));
    }
    page.uploads.push_back(std::move(upload));
  }
  return page;
}

Result<S3ErrorBody> ParseErrorBody(std::string_view document) {
  DG_ASSIGN_OR_RETURN(XmlElement root, ParseXml(document));
  if (root.name != "Error") {
    return Malformed("expected <Error>, got <" + root.name.substr(0, 40) + ">");
  }
  return S3ErrorBody{root.ChildText("Code"), root.ChildText("Message")};
}

std::string XmlEscape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

}  // namespace deltaglider::s3
