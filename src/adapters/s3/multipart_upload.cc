#include "adapters/s3/multipart_upload.h"

#include <deque>
#include <future>
#include <memory>
#include <optional>

#include "adapters/s3/header_values.h"
#include "adapters/s3/s3_errors.h"
#include "adapters/s3/sigv4.h"
#include "adapters/s3/stored_etag.h"
#include "adapters/s3/xml.h"
#include "core/hash.h"

namespace deltaglider::s3 {
namespace {

constexpr size_t kPartsInFlight = 2;

// Part `number`: the next `part_size` bytes of `body`, fewer only at its end.
Result<std::shared_ptr<std::vector<std::byte>>> ReadPart(ByteSource& body, uint64_t part_size,
                                                         const std::string& context,
                                                         uint64_t number) {
  Result<std::vector<std::byte>> part = ReadUpTo(body, part_size);
  if (!part.ok()) return part.error().Wrap(context + ": part " + std::to_string(number));
  return std::make_shared<std::vector<std::byte>>(std::move(*part));
}

}  // namespace

MultipartUploader::MultipartUploader(S3Client& client, std::string_view bucket,
                                     std::string_view key, const HeaderList& object_headers,
                                     bool if_none_match)
    : client_(client),
      bucket_(bucket),
      key_(key),
      object_headers_(object_headers),
      if_none_match_(if_none_match),
      context_("put " + S3Path(bucket, key)) {}

Result<StoredUpload> MultipartUploader::Put(ByteSource& body, uint64_t size_hint,
                                            const VerifyUpload& verify) {
  uint64_t part_size = client_.part_size();
  if (size_hint / part_size >= kMaxParts) {
    const uint64_t mib = 1ull << 20;
    part_size = ((size_hint / kMaxParts) / mib + 1) * mib;
  }
  DG_ASSIGN_OR_RETURN(const std::string upload_id, Create());
  Result<StoredUpload> result = UploadAndComplete(body, part_size, upload_id, verify);
  if (result.ok()) return result;
  return Abort(upload_id, result.error());
}

// CreateMultipartUpload; returns the UploadId.
Result<std::string> MultipartUploader::Create() {
  Call create = MakeCall("put", "POST", bucket_, key_);
  create.query = {{"uploads", ""}};
  create.headers = object_headers_;
  DG_ASSIGN_OR_RETURN(HttpResponse created, client_.Execute(create));
  if (created.status != 200) return S3ResponseError("put", bucket_, key_, created);
  auto document = ParseXml(created.body);
  const std::string upload_id = document.ok() ? document->ChildText("UploadId") : "";
  if (upload_id.empty()) {
    return MakeError(ErrorCode::kCorrupted, context_,
                     ": CreateMultipartUpload answered without an UploadId");
  }
  return upload_id;
}

Result<StoredUpload> MultipartUploader::UploadAndComplete(ByteSource& body, uint64_t part_size,
                                                          const std::string& upload_id,
                                                          const VerifyUpload& verify) {
  DG_ASSIGN_OR_RETURN(Parts parts, UploadParts(body, part_size, upload_id));
  DG_ASSIGN_OR_RETURN(std::string etag, Complete(upload_id, parts.etags));
  StoredUpload stored{.etag = std::move(etag),
                      .sent_etag = MultipartEtag(parts.md5s),
                      .sha256 = std::move(parts.sha256),
                      .size = parts.size};
  DG_RETURN_IF_ERROR(verify(stored));
  return stored;
}

// Parts read in order from `body`, at most kPartsInFlight uploading at once.
Result<MultipartUploader::Parts> MultipartUploader::UploadParts(ByteSource& body,
                                                                uint64_t part_size,
                                                                const std::string& upload_id) {
  std::deque<std::future<Result<std::string>>> in_flight;
  Parts parts;
  Hasher sha256(Hasher::Algorithm::kSha256);
  std::optional<Error> failure;
  auto collect_oldest = [&] {
    Result<std::string> etag = in_flight.front().get();
    in_flight.pop_front();
    if (!etag.ok()) {
      if (!failure) failure = etag.error();
    } else {
      parts.etags.push_back(std::move(etag).value());
    }
  };
  for (uint64_t number = 1; !failure; ++number) {
    Result<std::shared_ptr<std::vector<std::byte>>> read =
        ReadPart(body, part_size, context_, number);
    if (!read.ok()) {
      failure = read.error();
      break;
    }
    std::shared_ptr<std::vector<std::byte>> part = std::move(read).value();
    if (part->empty() && number > 1) break;
    if (number > kMaxParts) {
      failure =
          MakeError(ErrorCode::kResourceExhausted, context_, ": the body outgrew 10,000 parts");
      break;
    }
    parts.size += part->size();
    sha256.Update(*part);
    parts.md5s.push_back(Md5Binary(AsChars(*part)));
    if (in_flight.size() >= kPartsInFlight) collect_oldest();
    if (failure) break;
    in_flight.push_back(std::async(std::launch::async, [this, upload_id, number, part] {
      return UploadPart(upload_id, number, *part);
    }));
    if (part->size() < part_size) break;
  }
  while (!in_flight.empty()) collect_oldest();
  if (failure) return *failure;
  parts.sha256 = sha256.HexDigest();
  return parts;
}

// One part; returns its ETag as the server sent it (quoted).
Result<std::string> MultipartUploader::UploadPart(const std::string& upload_id, uint64_t number,
                                                  const std::vector<std::byte>& part) {
  Call call = MakeCall("upload part", "PUT", bucket_, key_);
  call.query = {{"partNumber", std::to_string(number)}, {"uploadId", upload_id}};
  SpanSource source(part);
  call.body = &source;
  call.body_size = part.size();
  call.payload_hash = Sha256HexOf(AsChars(part));
  DG_ASSIGN_OR_RETURN(HttpResponse response, client_.Execute(call));
  if (response.status != 200) return S3ResponseError("upload part", bucket_, key_, response);
  std::string etag = response.Header("etag");
  if (etag.empty()) {
    return MakeError(ErrorCode::kCorrupted, "upload part ", S3Path(bucket_, key_), ": part ",
                     std::to_string(number), " answered without an ETag");
  }
  return etag;
}

// CompleteMultipartUpload (If-None-Match: * when create-only); returns the
// object's ETag, unquoted.
Result<std::string> MultipartUploader::Complete(const std::string& upload_id,
                                                const std::vector<std::string>& etags) {
  std::string xml = "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">";
  for (size_t i = 0; i < etags.size(); ++i) {
    xml += "<Part><PartNumber>" + std::to_string(i + 1) + "</PartNumber><ETag>" +
           XmlEscape(etags[i]) + "</ETag></Part>";
  }
  xml += "</CompleteMultipartUpload>";
  SpanSource xml_body(AsBytes(xml));
  Call complete = MakeCall("put", "POST", bucket_, key_);
  complete.query = {{"uploadId", upload_id}};
  complete.headers.emplace_back("content-type", "application/xml");
  if (if_none_match_) complete.headers.emplace_back("if-none-match", "*");
  complete.body = &xml_body;
  complete.body_size = xml.size();
  complete.payload_hash = Sha256HexOf(xml);
  DG_ASSIGN_OR_RETURN(HttpResponse response, client_.Execute(complete));
  if (response.status != 200) return S3ResponseError("put", bucket_, key_, response);
  // S3 may answer 200 and still fail, with an <Error> document as the body.
  auto result = ParseXml(response.body);
  if (!result.ok()) return result.error().Wrap(context_ + ": CompleteMultipartUpload");
  if (result->name == "Error") {
    response.status = 500;
    return S3ResponseError("put", bucket_, key_, response);
  }
  return StripQuotes(result->ChildText("ETag"));
}

// AbortMultipartUpload after `failure`, which is returned; if the abort fails
// too, the message says so and that the parts stay.
Error MultipartUploader::Abort(const std::string& upload_id, Error failure) {
  Call abort = MakeCall("put", "DELETE", bucket_, key_);
  abort.query = {{"uploadId", upload_id}};
  Result<HttpResponse> aborted = client_.Execute(abort);
  if (!aborted.ok() ||
      (aborted->status != 204 && aborted->status != 200 && aborted->status != 404)) {
    const std::string why = aborted.ok() ? S3ResponseError("abort", bucket_, key_, *aborted).message
                                         : aborted.error().message;
    return MakeError(failure.code, failure.message, " (and aborting upload ", upload_id,
                     " failed: ", why, "; its parts stay until a lifecycle rule removes them)");
  }
  return failure;
}

}  // namespace deltaglider::s3
