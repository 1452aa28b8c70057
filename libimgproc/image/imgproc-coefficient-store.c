/* Packed whole-image coefficient arrays for libjpeg's progressive decode.
 * libjpeg keeps 64 shorts per 8x8 block of every component until the last
 * scan: 96 MiB for a 4096x4096 4:4:4 photograph, whatever the output scale.
 * Most of those shorts are zero, and most others small, so each block row
 * is kept packed, and unpacked into a small window only while libjpeg works
 * on it. A scan reads and rewrites each row once. The DC coefficients stay
 * apart and plain, as every file has DC-only scans that need nothing else:
 * that spares a third of the packing. The memory manager's methods are
 * documented as replaceable; only the four that deal with block arrays are
 * wrapped. */
#include "config.h"

#include "imgproc.h"
#include "imgproc-private.h"
#include "imgproc-coefficient-store-private.h"

#include <string.h>
#include <jerror.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#elif defined(__aarch64__)
#include <arm_neon.h>
#endif

#define ESCAPE ((guint8) G_MININT8)
#define SLAB_BYTES (64 * 1024)
/* On the sample photographs the packed rows take 1.6 to 2.1 bytes a block
 * plus 1.6 to 2.1 per byte of the file (a non-zero coefficient costs the
 * file about 5 bits); with the slabs' slack, these bound all of them. */
#define TYPICAL_BYTES_PER_BLOCK 5
#define TYPICAL_BYTES_PER_FILE_BYTE 2
#define MAX_PACKED_BLOCK (1 + DCTSIZE + DCTSIZE2 * (1 + sizeof (JCOEF)))

/* A row libjpeg has already read for output; reading it again is a bug. */
static guint8 released_row;

/* Rows are appended to slabs, one filling slab per array, and a slab is
 * freed when its last row is rewritten or read out. A scan rewrites an
 * array's rows in order, so its old slabs die in order too: the heap holds
 * what is live plus about one slab per component, where a malloc per row
 * fragmented it into twice that. */
typedef struct
{
  gsize live_rows;
  gsize used;
  gsize capacity;
  guint8 data[];
} Slab;

typedef struct PackedArray PackedArray;
struct PackedArray
{
  PackedArray *next;
  JDIMENSION blocks_per_row;
  JDIMENSION n_rows;
  JDIMENSION max_access;
  JCOEF *dc;
  guint8 **rows;
  Slab **row_slabs;
  Slab *filling;
  gsize slab_capacity;
  JBLOCKARRAY window;
  JDIMENSION window_capacity;
  JDIMENSION window_first;
  JDIMENSION window_count;
  gboolean window_dirty;
  gboolean window_dc_only;
};

typedef struct
{
  void (*free_pool) (j_common_ptr cinfo,
                     int          pool_id);
  void (*self_destruct) (j_common_ptr cinfo);
  PackedArray *arrays;
  guint8 *scratch;
  gsize scratch_size;
  gsize held_bytes;
  gsize peak_bytes;
} Store;

static Store *
store_of (j_common_ptr cinfo)
{
  return cinfo->client_data;
}

/* One bit per coefficient, set when it is not zero: with SIMD this is a
 * few instructions a block, where a loop over 64 shorts is the bulk of the
 * store's cost. */
#if defined(__SSE2__)
static inline guint64
nonzero_mask (const JCOEF *coefficients)
{
  const __m128i zero = _mm_setzero_si128 ();
  guint64 mask = 0;

  for (guint i = 0; i < DCTSIZE2 / 16; i++)
    {
      __m128i low = _mm_loadu_si128 ((const __m128i *) (coefficients + 16 * i));
      __m128i high = _mm_loadu_si128 ((const __m128i *) (coefficients + 16 * i + 8));
      __m128i zeros = _mm_packs_epi16 (_mm_cmpeq_epi16 (low, zero), _mm_cmpeq_epi16 (high, zero));

      mask |= (guint64) (~_mm_movemask_epi8 (zeros) & 0xffff) << (16 * i);
    }
  return mask;
}
#elif defined(__aarch64__)
static inline guint64
nonzero_mask (const JCOEF *coefficients)
{
  static const guint8 bit_weights[8] = { 1, 2, 4, 8, 16, 32, 64, 128 };
  const uint8x8_t weights = vld1_u8 (bit_weights);
  guint64 mask = 0;

  for (guint i = 0; i < DCTSIZE2 / 8; i++)
    {
      uint16x8_t nonzero = vtstq_s16 (vld1q_s16 (coefficients + 8 * i), vdupq_n_s16 (-1));
      uint8x8_t bits = vand_u8 (vmovn_u16 (nonzero), weights);

      mask |= (guint64) vaddv_u8 (bits) << (8 * i);
    }
  return mask;
}
#else
static inline guint64
nonzero_mask (const JCOEF *coefficients)
{
  guint64 mask = 0;

  for (guint k = 0; k < DCTSIZE2; k++)
    mask |= (guint64) (coefficients[k] != 0) << k;
  return mask;
}
#endif

/* Bit r set when byte r of @mask is not zero: fold each byte onto its low
 * bit, then gather the eight low bits with one multiplication. */
static inline guint
nonzero_bytes (guint64 mask)
{
  mask |= mask >> 4;
  mask |= mask >> 2;
  mask |= mask >> 1;
  return (guint) (((mask & G_GUINT64_CONSTANT (0x0101010101010101)) *
                   G_GUINT64_CONSTANT (0x0102040810204080)) >> 56);
}

/* A block's AC coefficients are packed as: a byte telling which of its 8
 * rows have non-zero ones; a mask byte for each such row; then each
 * non-zero value as one signed byte, or ESCAPE and the two bytes of a
 * larger one. Quantised values are mostly small, and high frequencies
 * mostly zero. */
static gsize
pack_row (JBLOCKROW  row,
          JDIMENSION n_blocks,
          JCOEF     *dc,
          guint8    *out)
{
  guint8 *p = out;

  for (JDIMENSION b = 0; b < n_blocks; b++)
    {
      const JCOEF *coefficients = row[b];
      guint64 mask = nonzero_mask (coefficients) & ~G_GUINT64_CONSTANT (1);
      guint rows_present = nonzero_bytes (mask);

      dc[b] = coefficients[0];

      *p++ = (guint8) rows_present;
      while (rows_present != 0)
        {
          *p++ = (guint8) (mask >> (DCTSIZE * __builtin_ctz (rows_present)));
          rows_present &= rows_present - 1;
        }
      while (mask != 0)
        {
          JCOEF value = coefficients[__builtin_ctzll (mask)];

          if (value > G_MININT8 && value <= G_MAXINT8)
            *p++ = (guint8) (gint8) value;
          else
            {
              *p++ = ESCAPE;
              memcpy (p, &value, sizeof value);
              p += sizeof value;
            }
          mask &= mask - 1;
        }
    }
  return (gsize) (p - out);
}

static void
unpack_row (const guint8 *packed,
            const JCOEF  *dc,
            JBLOCKROW     row,
            JDIMENSION    n_blocks)
{
  memset (row, 0, (gsize) n_blocks * sizeof (JBLOCK));
  for (JDIMENSION b = 0; b < n_blocks; b++)
    row[b][0] = dc[b];
  if (packed == NULL)
    return;
  for (JDIMENSION b = 0; b < n_blocks; b++)
    {
      JCOEF *coefficients = row[b];
      guint rows_present = *packed++;
      guint64 mask = 0;

      while (rows_present != 0)
        {
          mask |= (guint64) *packed++ << (DCTSIZE * __builtin_ctz (rows_present));
          rows_present &= rows_present - 1;
        }
      while (mask != 0)
        {
          JCOEF *coefficient = &coefficients[__builtin_ctzll (mask)];

          if (*packed != ESCAPE)
            *coefficient = (gint8) *packed++;
          else
            {
              memcpy (coefficient, packed + 1, sizeof *coefficient);
              packed += 1 + sizeof *coefficient;
            }
          mask &= mask - 1;
        }
    }
}

static void
slab_free (Store *store,
           Slab  *slab)
{
  store->held_bytes -= slab->capacity;
  g_free (slab);
}

static void
forget_row (Store       *store,
            PackedArray *array,
            JDIMENSION   row)
{
  Slab *slab = array->row_slabs[row];

  array->rows[row] = NULL;
  array->row_slabs[row] = NULL;
  if (slab != NULL && --slab->live_rows == 0 && slab != array->filling)
    slab_free (store, slab);
}

static void
append_row (Store        *store,
            PackedArray  *array,
            JDIMENSION    row,
            const guint8 *packed,
            gsize         bytes)
{
  Slab *slab = array->filling;

  if (slab == NULL || slab->capacity - slab->used < bytes)
    {
      gsize capacity = MAX (array->slab_capacity, bytes);

      if (slab != NULL && slab->live_rows == 0)
        slab_free (store, slab);
      slab = g_malloc (sizeof (Slab) + capacity);
      slab->live_rows = 0;
      slab->used = 0;
      slab->capacity = capacity;
      array->filling = slab;
      store->held_bytes += capacity;
      store->peak_bytes = MAX (store->peak_bytes, store->held_bytes);
    }
  memcpy (slab->data + slab->used, packed, bytes);
  array->rows[row] = slab->data + slab->used;
  array->row_slabs[row] = slab;
  slab->used += bytes;
  slab->live_rows++;
}

static void
flush_window (Store       *store,
              PackedArray *array)
{
  if (!array->window_dirty)
    return;
  for (JDIMENSION i = 0; i < array->window_count; i++)
    {
      JDIMENSION row = array->window_first + i;
      JCOEF *dc = array->dc + (gsize) row * array->blocks_per_row;
      gsize bytes;

      if (array->window_dc_only)
        {
          for (JDIMENSION b = 0; b < array->blocks_per_row; b++)
            dc[b] = array->window[i][b][0];
          continue;
        }
      bytes = pack_row (array->window[i], array->blocks_per_row, dc, store->scratch);
      forget_row (store, array, row);
      append_row (store, array, row, store->scratch, bytes);
    }
  array->window_dirty = FALSE;
}

static void
packed_array_free (Store       *store,
                   PackedArray *array)
{
  for (JDIMENSION i = 0; i < array->n_rows; i++)
    forget_row (store, array, i);
  if (array->filling != NULL)
    slab_free (store, array->filling);
  store->held_bytes -= (gsize) array->n_rows * array->blocks_per_row * sizeof (JCOEF);
  g_free (array->dc);
  g_free (array->rows);
  g_free (array->row_slabs);
  if (array->window != NULL)
    g_free (array->window[0]);
  g_free (array->window);
  g_free (array);
}

static void
free_arrays (Store *store)
{
  while (store->arrays != NULL)
    {
      PackedArray *next = store->arrays->next;

      packed_array_free (store, store->arrays);
      store->arrays = next;
    }
  g_clear_pointer (&store->scratch, g_free);
  store->scratch_size = 0;
}

static jvirt_barray_ptr
request_virt_barray (j_common_ptr cinfo,
                     int          pool_id,
                     boolean      pre_zero,
                     JDIMENSION   blocksperrow,
                     JDIMENSION   numrows,
                     JDIMENSION   maxaccess)
{
  Store *store = store_of (cinfo);
  PackedArray *array;
  gsize scratch_size;

  if (pool_id != JPOOL_IMAGE)
    ERREXIT1 (cinfo, JERR_BAD_POOL_ID, pool_id);
  /* Packed rows start as all zeros, which libjpeg only needs when asked. */
  (void) pre_zero;

  array = g_new0 (PackedArray, 1);
  array->blocks_per_row = blocksperrow;
  array->n_rows = numrows;
  array->max_access = maxaccess;
  array->dc = g_new0 (JCOEF, (gsize) numrows * blocksperrow);
  store->held_bytes += (gsize) numrows * blocksperrow * sizeof (JCOEF);
  store->peak_bytes = MAX (store->peak_bytes, store->held_bytes);
  array->rows = g_new0 (guint8 *, numrows);
  array->row_slabs = g_new0 (Slab *, numrows);
  /* A small image would otherwise spend most of a slab on nothing. */
  array->slab_capacity = MIN (SLAB_BYTES, (gsize) blocksperrow * numrows * TYPICAL_BYTES_PER_BLOCK);
  array->next = store->arrays;
  store->arrays = array;

  scratch_size = (gsize) blocksperrow * MAX_PACKED_BLOCK;
  if (scratch_size > store->scratch_size)
    {
      g_free (store->scratch);
      store->scratch = g_malloc (scratch_size);
      store->scratch_size = scratch_size;
    }
  return (jvirt_barray_ptr) array;
}

static void
ensure_window (PackedArray *array,
               JDIMENSION   num_rows)
{
  JBLOCKROW blocks;

  if (num_rows <= array->window_capacity)
    return;
  if (array->window != NULL)
    g_free (array->window[0]);
  g_free (array->window);
  array->window = g_new (JBLOCKROW, num_rows);
  blocks = g_new (JBLOCK, (gsize) num_rows * array->blocks_per_row);
  for (JDIMENSION i = 0; i < num_rows; i++)
    array->window[i] = blocks + (gsize) i * array->blocks_per_row;
  array->window_capacity = num_rows;
}

/* DC scans, first or refining, read and write nothing but coefficient 0. */
static gboolean
is_dc_scan (j_common_ptr cinfo)
{
  j_decompress_ptr decompress = (j_decompress_ptr) cinfo;

  /* A sequential scan with Se = 0 is damaged, and libjpeg decodes all 64
   * coefficients of it anyway. */
  return cinfo->is_decompressor && decompress->progressive_mode && decompress->Se == 0;
}

static JBLOCKARRAY
access_virt_barray (j_common_ptr     cinfo,
                    jvirt_barray_ptr ptr,
                    JDIMENSION       start_row,
                    JDIMENSION       num_rows,
                    boolean          writable)
{
  Store *store = store_of (cinfo);
  PackedArray *array = (PackedArray *) ptr;
  gboolean dc_only = writable && is_dc_scan (cinfo);

  if (num_rows == 0 || num_rows > array->max_access ||
      start_row > array->n_rows || num_rows > array->n_rows - start_row)
    ERREXIT (cinfo, JERR_BAD_VIRTUAL_ACCESS);

  if (array->window_count != num_rows || array->window_first != start_row ||
      array->window_dc_only != dc_only)
    {
      flush_window (store, array);
      array->window_count = 0;
      ensure_window (array, num_rows);
      for (JDIMENSION i = 0; i < num_rows; i++)
        {
          JDIMENSION row = start_row + i;
          const JCOEF *dc = array->dc + (gsize) row * array->blocks_per_row;

          if (array->rows[row] == &released_row)
            ERREXIT (cinfo, JERR_VIRTUAL_BUG);
          if (dc_only)
            {
              for (JDIMENSION b = 0; b < array->blocks_per_row; b++)
                array->window[i][b][0] = dc[b];
              continue;
            }
          unpack_row (array->rows[row], dc, array->window[i], array->blocks_per_row);
          if (!writable)
            {
              forget_row (store, array, row);
              array->rows[row] = &released_row;
            }
        }
      array->window_first = start_row;
      array->window_count = num_rows;
      array->window_dc_only = dc_only;
    }
  if (writable)
    array->window_dirty = TRUE;
  return array->window;
}

static void
free_pool (j_common_ptr cinfo,
           int          pool_id)
{
  Store *store = store_of (cinfo);

  if (pool_id == JPOOL_IMAGE)
    free_arrays (store);
  store->free_pool (cinfo, pool_id);
}

static void
self_destruct (j_common_ptr cinfo)
{
  Store *store = store_of (cinfo);
  void (*destruct) (j_common_ptr) = store->self_destruct;

  free_arrays (store);
  cinfo->client_data = NULL;
  g_free (store);
  destruct (cinfo);
}

void
imgproc_coefficient_store_install (j_decompress_ptr cinfo)
{
  struct jpeg_memory_mgr *mem = cinfo->mem;
  Store *store;

  g_return_if_fail (cinfo->client_data == NULL);
  g_return_if_fail (!cinfo->buffered_image);

  store = g_new0 (Store, 1);

  store->free_pool = mem->free_pool;
  store->self_destruct = mem->self_destruct;
  cinfo->client_data = store;

  mem->request_virt_barray = request_virt_barray;
  mem->access_virt_barray = access_virt_barray;
  mem->free_pool = free_pool;
  mem->self_destruct = self_destruct;
  /* Smoothing reads the rows around each output row again. */
  cinfo->do_block_smoothing = FALSE;
}

gsize
imgproc_coefficient_store_peak_bytes (j_decompress_ptr cinfo)
{
  Store *store = cinfo->client_data;

  g_return_val_if_fail (store != NULL, 0);
  return store->peak_bytes;
}

guint64
imgproc_coefficient_store_estimate (guint64 blocks,
                                    gsize   file_len)
{
  guint64 worst = blocks * MAX_PACKED_BLOCK;
  guint64 typical = blocks * TYPICAL_BYTES_PER_BLOCK + (guint64) file_len * TYPICAL_BYTES_PER_FILE_BYTE;

  return MIN (worst, typical);
}
