/* The configuration of imgproc-service: one schema, read from a key file,
 * the environment and the command line. */
#pragma once

#if !defined(IMGPROC_INSIDE) && !defined(IMGPROC_COMPILATION)
#error "Only <imgproc.h> can be included directly."
#endif

#include <glib-object.h>
#include "imgproc-version.h"
#include "imgproc-resizer.h"

G_BEGIN_DECLS

/**
 * ImgprocSettingSource:
 * @IMGPROC_SETTING_SOURCE_DEFAULT: the built-in default
 * @IMGPROC_SETTING_SOURCE_KEY_FILE: the configuration file
 * @IMGPROC_SETTING_SOURCE_ENVIRONMENT: an environment variable
 * @IMGPROC_SETTING_SOURCE_COMMAND_LINE: a command-line flag
 *
 * Where the value of a setting came from. A later source in this list
 * overrides an earlier one, whatever the order in which they are read.
 */
typedef enum {
  IMGPROC_SETTING_SOURCE_DEFAULT = 0,
  IMGPROC_SETTING_SOURCE_KEY_FILE = 1,
  IMGPROC_SETTING_SOURCE_ENVIRONMENT = 2,
  IMGPROC_SETTING_SOURCE_COMMAND_LINE = 3,
} ImgprocSettingSource;

/**
 * ImgprocServiceMode:
 * @IMGPROC_SERVICE_MODE_AUTO: Lambda when `AWS_LAMBDA_RUNTIME_API` is set,
 *   the daemon otherwise
 * @IMGPROC_SERVICE_MODE_DAEMON: long-poll an SQS queue (hosts)
 * @IMGPROC_SERVICE_MODE_LAMBDA: serve the Lambda Runtime API
 *
 * How imgproc-service runs.
 */
typedef enum {
  IMGPROC_SERVICE_MODE_AUTO = 0,
  IMGPROC_SERVICE_MODE_DAEMON = 1,
  IMGPROC_SERVICE_MODE_LAMBDA = 2,
} ImgprocServiceMode;

/**
 * IMGPROC_SERVICE_CONFIG_GROUP:
 *
 * The key-file group that holds the settings.
 */
#define IMGPROC_SERVICE_CONFIG_GROUP "imgproc"

#define IMGPROC_TYPE_SERVICE_CONFIG (imgproc_service_config_get_type ())

IMGPROC_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (ImgprocServiceConfig, imgproc_service_config, IMGPROC, SERVICE_CONFIG, GObject)

IMGPROC_AVAILABLE_IN_ALL
ImgprocServiceConfig *imgproc_service_config_new (void);

IMGPROC_AVAILABLE_IN_ALL
char **imgproc_service_config_list_settings (void);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_service_config_get_default_path (void);

IMGPROC_AVAILABLE_IN_ALL
gboolean imgproc_service_config_set (ImgprocServiceConfig  *self,
                                     const char            *name,
                                     const char            *value,
                                     ImgprocSettingSource   source,
                                     GError               **error);
IMGPROC_AVAILABLE_IN_ALL
gboolean imgproc_service_config_load_key_file (ImgprocServiceConfig  *self,
                                               const char            *path,
                                               GError               **error);
IMGPROC_AVAILABLE_IN_ALL
gboolean imgproc_service_config_load_key_file_data (ImgprocServiceConfig  *self,
                                                    const char            *data,
                                                    gssize                 length,
                                                    GError               **error);
IMGPROC_AVAILABLE_IN_ALL
gboolean imgproc_service_config_load_environment (ImgprocServiceConfig  *self,
                                                  const char * const    *envp,
                                                  GError               **error);
IMGPROC_AVAILABLE_IN_ALL
GOptionGroup *imgproc_service_config_get_option_group (ImgprocServiceConfig *self);
IMGPROC_AVAILABLE_IN_ALL
ImgprocServiceMode imgproc_service_config_resolve_mode (ImgprocServiceConfig *self,
                                                        const char * const   *envp);
IMGPROC_AVAILABLE_IN_ALL
gboolean imgproc_service_config_validate (ImgprocServiceConfig  *self,
                                          ImgprocServiceMode     mode,
                                          GError               **error);
IMGPROC_AVAILABLE_IN_ALL
char *imgproc_service_config_dump (ImgprocServiceConfig *self);

IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_service_config_get_value (ImgprocServiceConfig *self,
                                              const char           *name);
IMGPROC_AVAILABLE_IN_ALL
ImgprocSettingSource imgproc_service_config_get_source (ImgprocServiceConfig *self,
                                                        const char           *name);

IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_service_config_get_queue_url (ImgprocServiceConfig *self);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_service_config_get_region (ImgprocServiceConfig *self);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_service_config_get_endpoint_url (ImgprocServiceConfig *self);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_service_config_get_bucket (ImgprocServiceConfig *self);
IMGPROC_AVAILABLE_IN_ALL
const char * const *imgproc_service_config_get_allowed_buckets (ImgprocServiceConfig *self);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_service_config_get_source_prefix (ImgprocServiceConfig *self);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_service_config_get_destination_prefix (ImgprocServiceConfig *self);
IMGPROC_AVAILABLE_IN_ALL
const guint *imgproc_service_config_get_widths (ImgprocServiceConfig *self,
                                                guint                *n_widths);
IMGPROC_AVAILABLE_IN_ALL
guint imgproc_service_config_get_max_height (ImgprocServiceConfig *self);
IMGPROC_AVAILABLE_IN_ALL
ImgprocOutputFormat imgproc_service_config_get_output_format (ImgprocServiceConfig *self);
IMGPROC_AVAILABLE_IN_ALL
guint imgproc_service_config_get_quality (ImgprocServiceConfig *self);
IMGPROC_AVAILABLE_IN_ALL
gboolean imgproc_service_config_get_strip_metadata (ImgprocServiceConfig *self);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_service_config_get_table (ImgprocServiceConfig *self);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_service_config_get_kms_key_id (ImgprocServiceConfig *self);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_service_config_get_cache_control (ImgprocServiceConfig *self);
IMGPROC_AVAILABLE_IN_ALL
gboolean imgproc_service_config_get_delete_renditions_on_remove (ImgprocServiceConfig *self);
IMGPROC_AVAILABLE_IN_ALL
guint64 imgproc_service_config_get_max_object_bytes (ImgprocServiceConfig *self);
IMGPROC_AVAILABLE_IN_ALL
guint64 imgproc_service_config_get_max_pixels (ImgprocServiceConfig *self);
IMGPROC_AVAILABLE_IN_ALL
guint64 imgproc_service_config_get_decode_memory (ImgprocServiceConfig *self);
IMGPROC_AVAILABLE_IN_ALL
guint imgproc_service_config_get_concurrency (ImgprocServiceConfig *self);
IMGPROC_AVAILABLE_IN_ALL
guint imgproc_service_config_get_visibility_timeout (ImgprocServiceConfig *self);
IMGPROC_AVAILABLE_IN_ALL
guint imgproc_service_config_get_shutdown_timeout (ImgprocServiceConfig *self);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_service_config_get_log_level (ImgprocServiceConfig *self);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_service_config_get_log_format (ImgprocServiceConfig *self);
IMGPROC_AVAILABLE_IN_ALL
gboolean imgproc_service_config_get_metrics (ImgprocServiceConfig *self);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_service_config_get_metrics_namespace (ImgprocServiceConfig *self);
IMGPROC_AVAILABLE_IN_ALL
gboolean imgproc_service_config_get_tracing (ImgprocServiceConfig *self);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_service_config_get_http_listen (ImgprocServiceConfig *self);

G_END_DECLS
