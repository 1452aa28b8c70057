/* Reading the AWS shared credentials and config files (~/.aws/credentials,
 * ~/.aws/config): one profile's settings, merged the way the SDKs merge them. */
#pragma once

#include "imgproc.h"

G_BEGIN_DECLS

typedef struct
{
  char *name;
  /* key → value of the profile; keys of sub-sections are "parent.key"
   * (e.g. "s3.addressing_style"); the credentials file wins over config. */
  GHashTable *settings;
  /* key → value of the [services x] section the profile names, as
   * "s3.endpoint_url"; empty when there is none. */
  GHashTable *services;
  gboolean found;
} ImgprocAwsProfile;

const char *imgproc_aws_profile_name_from_env (void);
char *imgproc_aws_shared_credentials_path (void);
char *imgproc_aws_shared_config_path (void);

ImgprocAwsProfile *imgproc_aws_profile_load (const char  *name,
                                             GError     **error);
const char *imgproc_aws_profile_get (const ImgprocAwsProfile *profile,
                                     const char              *key);
void imgproc_aws_profile_free (ImgprocAwsProfile *profile);

gboolean imgproc_aws_env_is_true (const char *variable);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ImgprocAwsProfile, imgproc_aws_profile_free)

G_END_DECLS
