// PresignS3GetUrl (deltaglider/s3.h): the request target of addressing.h
// plus the query signature of sigv4.h, with the credentials the requests use.
#include "adapters/s3/addressing.h"
#include "adapters/s3/sigv4.h"
#include "deltaglider/s3.h"

namespace deltaglider {

Result<std::string> PresignS3GetUrl(const S3Config& config, std::string_view bucket,
                                    std::string_view key, int expires_seconds,
                                    std::chrono::system_clock::time_point now) {
  if (expires_seconds < 1 || expires_seconds > 604800) {
    return MakeError(ErrorCode::kInvalidArgument, "presign: expiry of ",
                     std::to_string(expires_seconds), " s is outside 1 s .. 7 days (604800 s)");
  }
  DG_RETURN_IF_ERROR(ValidateBucketName(bucket));
  const std::string url = config.endpoint_url.empty()
                              ? "https://s3." + config.region + ".amazonaws.com"
                              : config.endpoint_url;
  DG_ASSIGN_OR_RETURN(s3::Endpoint endpoint, s3::ParseEndpoint(url));
  const s3::RequestTarget target = s3::TargetOf(
      endpoint, s3::UseVirtualHost(config.addressing_style, endpoint, bucket), bucket, key);
  s3::Credentials credentials{config.access_key_id, config.secret_access_key, config.session_token};
  if (config.credentials) {
    DG_ASSIGN_OR_RETURN(AwsCredentials current, config.credentials->Current());
    credentials = {current.access_key_id, current.secret_access_key, current.session_token};
  }
  if (credentials.access_key_id.empty()) return target.url;
  const s3::QueryParams no_query;
  const std::string query = s3::PresignQuery(credentials,
                                             s3::SigningInput{.method = "GET",
                                                              .raw_path = target.raw_path,
                                                              .query = &no_query,
                                                              .payload_hash = s3::kUnsignedPayload,
                                                              .region = config.region,
                                                              .service = "s3",
                                                              .now = now},
                                             target.host, expires_seconds);
  return target.url + "?" + query;
}

}  // namespace deltaglider
