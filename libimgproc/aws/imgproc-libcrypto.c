/* libcrypto is opened on first use rather than linked: its relocated data
 * (some 400 KiB, a page fault each 4 KiB) were a fifth of the page faults
 * between exec and the first Lambda /next, and nothing signs a request
 * before that. The soname comes from the headers the code was built
 * against, so the ABI is the one checked at compile time. */
#include "config.h"

#include "imgproc.h"
#include "imgproc-private.h"
#include "imgproc-libcrypto-private.h"

#include <dlfcn.h>
#include <openssl/evp.h>
#include <openssl/opensslv.h>

#define LIBCRYPTO_SONAME "libcrypto.so." G_STRINGIFY (OPENSSL_SHLIB_VERSION)

typedef struct
{
  void *handle;
  char *error;
  __typeof__ (EVP_Digest) *digest;
  __typeof__ (EVP_sha256) *sha256;
  __typeof__ (EVP_Q_mac) *q_mac;
} Libcrypto;

static gboolean
find_symbol (Libcrypto  *lib,
             const char *name,
             gpointer   *symbol)
{
  *symbol = dlsym (lib->handle, name);
  if (*symbol != NULL)
    return TRUE;
  lib->error = g_strdup_printf (_("%s has no symbol %s"), LIBCRYPTO_SONAME, name);
  return FALSE;
}

static Libcrypto *
open_libcrypto (void)
{
  Libcrypto *lib = g_new0 (Libcrypto, 1);

  /* Kept open for the life of the process: the signer may run on any
   * thread at any time, and a library that is never unloaded needs no
   * reference counting. dlopen rather than g_module_open: GModule first
   * looks for the name, the name with .so and the name with .la in the
   * current folder, and loads whatever library such a .la names. */
  lib->handle = dlopen (LIBCRYPTO_SONAME, RTLD_NOW | RTLD_LOCAL);
  if (lib->handle == NULL)
    {
      const char *reason = dlerror ();

      lib->error = g_strdup (reason != NULL ? reason : _("unknown error"));
      return lib;
    }
  if (!find_symbol (lib, "EVP_Digest", (gpointer *) &lib->digest) ||
      !find_symbol (lib, "EVP_sha256", (gpointer *) &lib->sha256) ||
      !find_symbol (lib, "EVP_Q_mac", (gpointer *) &lib->q_mac))
    {
      lib->digest = NULL;
      lib->sha256 = NULL;
      lib->q_mac = NULL;
    }
  return lib;
}

static const Libcrypto *
libcrypto (void)
{
  static gsize once = 0;
  static Libcrypto *lib;

  if (g_once_init_enter (&once))
    {
      lib = open_libcrypto ();
      g_once_init_leave (&once, 1);
    }
  return lib;
}

/*
 * imgproc_libcrypto_load:
 * @error: return location for a #GError
 *
 * Opens libcrypto unless it is already open. Signing calls it first, so
 * that a missing or unusable library is reported once, with the loader's
 * reason, rather than as a failed digest.
 *
 * Returns: %TRUE when the digests below can be computed
 */
gboolean
imgproc_libcrypto_load (GError **error)
{
  const Libcrypto *lib = libcrypto ();

  if (lib->q_mac != NULL)
    return TRUE;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
               _("Cannot sign AWS requests: OpenSSL’s %s could not be loaded: %s"),
               LIBCRYPTO_SONAME, lib->error);
  return FALSE;
}

gboolean
imgproc_libcrypto_sha256 (const void *data,
                          gsize       len,
                          guchar      out[IMGPROC_SHA256_LEN])
{
  const Libcrypto *lib = libcrypto ();
  unsigned int out_len = 0;

  return lib->digest != NULL &&
         lib->digest (data, len, out, &out_len, lib->sha256 (), NULL) == 1 &&
         out_len == IMGPROC_SHA256_LEN;
}

gboolean
imgproc_libcrypto_hmac_sha256 (const void *key,
                               gsize       key_len,
                               const void *data,
                               gsize       data_len,
                               guchar      out[IMGPROC_SHA256_LEN])
{
  const Libcrypto *lib = libcrypto ();
  size_t out_len = 0;

  return lib->q_mac != NULL &&
         lib->q_mac (NULL, "HMAC", NULL, "SHA256", NULL, key, key_len,
                     data, data_len, out, IMGPROC_SHA256_LEN, &out_len) != NULL &&
         out_len == IMGPROC_SHA256_LEN;
}
