/* Reads the AWS shared credentials and config files. Their format is an INI
 * dialect GKeyFile does not accept: `[profile x]` prefixes in the config file,
 * and indented sub-sections such as `s3 =` followed by `  addressing_style = path`. */
#include "config.h"
#include "imgproc.h"
#include "imgproc-private.h"

#include <string.h>

#include "imgproc-aws-shared-files-private.h"
#include "imgproc-credentials-private.h"

typedef enum {
  FILE_KIND_CREDENTIALS,
  FILE_KIND_CONFIG,
} FileKind;

gboolean
imgproc_aws_env_is_true (const char *variable)
{
  const char *value = g_getenv (variable);

  return value != NULL && g_ascii_strcasecmp (value, "true") == 0;
}

const char *
imgproc_aws_profile_name_from_env (void)
{
  const char *name = g_getenv ("AWS_PROFILE");

  if (name == NULL || *name == '\0')
    name = g_getenv ("AWS_DEFAULT_PROFILE");
  if (name == NULL || *name == '\0')
    name = "default";
  return name;
}

static char *
path_from_env (const char *variable,
               const char *file_name)
{
  const char *path = g_getenv (variable);
  const char *home;

  if (path != NULL && *path != '\0')
    {
      if (g_str_has_prefix (path, "~/") && (home = g_getenv ("HOME")) != NULL)
        return g_build_filename (home, path + 2, NULL);
      return g_strdup (path);
    }

  /* $HOME first: g_get_home_dir() caches its answer for the whole process. */
  home = g_getenv ("HOME");
  if (home == NULL || *home == '\0')
    home = g_get_home_dir ();
  return g_build_filename (home, ".aws", file_name, NULL);
}

char *
imgproc_aws_shared_credentials_path (void)
{
  return path_from_env ("AWS_SHARED_CREDENTIALS_FILE", "credentials");
}

char *
imgproc_aws_shared_config_path (void)
{
  return path_from_env ("AWS_CONFIG_FILE", "config");
}

static GHashTable *
new_settings_table (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                (GDestroyNotify) imgproc_secure_free_string);
}

/* Maps a section header to the profile it describes, or NULL to skip it. */
static char *
section_profile_name (FileKind    kind,
                      const char *section)
{
  if (kind == FILE_KIND_CREDENTIALS)
    return g_strdup (section);
  if (g_str_equal (section, "default"))
    return g_strdup ("default");
  if (g_str_has_prefix (section, "profile") && g_ascii_isspace (section[7]))
    return g_strstrip (g_strdup (section + 8));
  if (g_str_has_prefix (section, "services") && g_ascii_isspace (section[8]))
    {
      g_autofree char *name = g_strstrip (g_strdup (section + 9));

      return g_strconcat ("services ", name, NULL);
    }
  return NULL;
}

/* Fills @sections (section → settings table) from one file. A missing file
 * is not an error. */
static gboolean
parse_file (const char  *path,
            FileKind     kind,
            GHashTable  *sections,
            GError     **error)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  GHashTable *current = NULL;
  g_autofree char *parent = NULL;
  gsize length = 0;
  GError *local_error = NULL;

  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        {
          g_error_free (local_error);
          return TRUE;
        }
      g_propagate_error (error, local_error);
      return FALSE;
    }

  lines = g_strsplit (contents, "\n", -1);
  imgproc_secure_wipe (contents, length);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = lines[i];
      gboolean indented = g_ascii_isspace (line[0]);
      char *equals;
      char *key;
      char *value;

      g_strstrip (line);
      if (*line == '\0' || *line == '#' || *line == ';')
        continue;

      if (*line == '[')
        {
          char *end = strchr (line, ']');
          g_autofree char *name = NULL;

          g_clear_pointer (&parent, g_free);
          current = NULL;
          if (end == NULL)
            continue;
          *end = '\0';
          name = section_profile_name (kind, g_strstrip (line + 1));
          if (name == NULL)
            continue;
          current = g_hash_table_lookup (sections, name);
          if (current == NULL)
            {
              current = new_settings_table ();
              g_hash_table_insert (sections, g_steal_pointer (&name), current);
            }
          continue;
        }

      if (current == NULL || (equals = strchr (line, '=')) == NULL)
        continue;

      *equals = '\0';
      key = g_ascii_strdown (g_strstrip (line), -1);
      value = g_strstrip (equals + 1);

      if (indented && parent != NULL)
        {
          g_hash_table_insert (current, g_strconcat (parent, ".", key, NULL), g_strdup (value));
          g_free (key);
        }
      else if (*value == '\0')
        {
          g_free (parent);
          parent = key;
        }
      else
        {
          g_clear_pointer (&parent, g_free);
          g_hash_table_insert (current, key, g_strdup (value));
        }
    }

  for (guint i = 0; lines[i] != NULL; i++)
    imgproc_secure_wipe (lines[i], strlen (lines[i]));
  return TRUE;
}

static void
merge_into (GHashTable *target,
            GHashTable *source)
{
  GHashTableIter iter;
  gpointer key, value;

  if (source == NULL)
    return;
  g_hash_table_iter_init (&iter, source);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (target, g_strdup (key), g_strdup (value));
}

ImgprocAwsProfile *
imgproc_aws_profile_load (const char  *name,
                          GError     **error)
{
  g_autoptr(GHashTable) config_sections = NULL;
  g_autoptr(GHashTable) credentials_sections = NULL;
  g_autofree char *config_path = imgproc_aws_shared_config_path ();
  g_autofree char *credentials_path = imgproc_aws_shared_credentials_path ();
  g_autoptr(ImgprocAwsProfile) profile = g_new0 (ImgprocAwsProfile, 1);
  GHashTable *from_config;
  GHashTable *from_credentials;
  const char *services_name;

  config_sections = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                           (GDestroyNotify) g_hash_table_unref);
  credentials_sections = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                (GDestroyNotify) g_hash_table_unref);
  if (!parse_file (config_path, FILE_KIND_CONFIG, config_sections, error) ||
      !parse_file (credentials_path, FILE_KIND_CREDENTIALS, credentials_sections, error))
    return NULL;

  profile->name = g_strdup (name);
  profile->settings = new_settings_table ();
  profile->services = new_settings_table ();

  from_config = g_hash_table_lookup (config_sections, name);
  from_credentials = g_hash_table_lookup (credentials_sections, name);
  profile->found = from_config != NULL || from_credentials != NULL;
  merge_into (profile->settings, from_config);
  merge_into (profile->settings, from_credentials);

  services_name = g_hash_table_lookup (profile->settings, "services");
  if (services_name != NULL)
    {
      g_autofree char *section = g_strconcat ("services ", services_name, NULL);

      merge_into (profile->services, g_hash_table_lookup (config_sections, section));
    }

  return g_steal_pointer (&profile);
}

const char *
imgproc_aws_profile_get (const ImgprocAwsProfile *profile,
                         const char              *key)
{
  const char *value = g_hash_table_lookup (profile->settings, key);

  return value != NULL && *value != '\0' ? value : NULL;
}

void
imgproc_aws_profile_free (ImgprocAwsProfile *profile)
{
  if (profile == NULL)
    return;
  g_free (profile->name);
  g_clear_pointer (&profile->settings, g_hash_table_unref);
  g_clear_pointer (&profile->services, g_hash_table_unref);
  g_free (profile);
}
