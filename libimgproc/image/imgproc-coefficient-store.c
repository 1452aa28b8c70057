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
/* A slab holds at least this many of the largest rows its array has
 * stored, so that the space a row too large for the rest of a slab leaves
 * unused stays under a quarter. More would make the slabs of large photos
 * pass malloc's mmap threshold, and fault in afresh every time. */
#define SLAB_ROWS 4
/* On the sample photographs the packed rows take 1.6 to 2.1 bytes a block
 * plus 1.6 to 2.1 per byte of the file (a non-zero coefficient costs the
 * file about 5 bits); with the slabs' slack, these bound all of them. */
#define TYPICAL_BYTES_PER_BLOCK 5
#define TYPICAL_BYTES_PER_FILE_BYTE 2
#define MAX_PACKED_BLOCK (1 + DCTSIZE + DCTSIZE2 * (1 + sizeof (JCOEF)))
/* A row is stored raw when packing would not make it smaller, so a row
 * never takes more than libjpeg's own, plus its DC copy. */
#define RAW_BLOCK (sizeof (JBLOCK))

static const char *const store_messages[] = {
  "The coefficients need more than the %d KiB reserved for them",
};

/* Set by tests to make the Nth allocation from now fail, as a real
 * system does not on demand. */
static gint allocations_until_failure = -1;

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

typedef struct
{
  guint8 *data;
  Slab *slab;
  gboolean raw;
} StoredRow;

typedef struct PackedArray PackedArray;
struct PackedArray
{
  PackedArray *next;
  JDIMENSION blocks_per_row;
  JDIMENSION n_rows;
  JDIMENSION max_access;
  JCOEF *dc;
  StoredRow *rows;
  Slab *filling;
  gsize largest_row;
  gsize small_image_slab;
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
  gsize limit;
} Store;

static Store *
store_of (j_common_ptr cinfo)
{
  return cinfo->client_data;
}

/* Everything the store holds goes through here, so that its peak is what
 * it really takes, and one decode fails cleanly (through libjpeg's error
 * exit) rather than pass its reservation or abort the process. */
static gpointer
store_alloc (j_common_ptr cinfo,
             gsize        size)
{
  Store *store = store_of (cinfo);
  gpointer memory;

  if (size > store->limit - store->held_bytes)
    ERREXIT1 (cinfo, IMGPROC_JERR_OVER_RESERVATION, (int) MIN (store->limit / 1024, G_MAXINT));
  if (allocations_until_failure == 0)
    {
      allocations_until_failure = -1;
      memory = NULL;
    }
  else
    {
      if (allocations_until_failure > 0)
        allocations_until_failure--;
      memory = g_try_malloc (size);
    }
  if (memory == NULL)
    ERREXIT1 (cinfo, JERR_OUT_OF_MEMORY, 0);
  store->held_bytes += size;
  store->peak_bytes = MAX (store->peak_bytes, store->held_bytes);
  return memory;
}

static void
store_free (Store    *store,
            gpointer  memory,
            gsize     size)
{
  if (memory == NULL)
    return;
  store->held_bytes -= size;
  g_free (memory);
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
 * mostly zero. Packing stops, giving more than @limit, once the row
 * outgrows @limit; @out has room for @limit and one block more. */
static gsize
pack_row (JBLOCKROW  row,
          JDIMENSION n_blocks,
          JCOEF     *dc,
          guint8    *out,
          gsize      limit)
{
  guint8 *p = out;

  for (JDIMENSION b = 0; b < n_blocks; b++)
    {
      if ((gsize) (p - out) > limit)
        return (gsize) (p - out);

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

/* The DC coefficients are copied last: DC scans update only the plain
 * ones, not a raw row's. */
static void
unpack_row (const StoredRow *stored,
            const JCOEF     *dc,
            JBLOCKROW        row,
            JDIMENSION       n_blocks)
{
  const guint8 *packed = stored->data;

  if (stored->raw)
    memcpy (row, packed, (gsize) n_blocks * RAW_BLOCK);
  else
    memset (row, 0, (gsize) n_blocks * sizeof (JBLOCK));
  for (JDIMENSION b = 0; b < n_blocks; b++)
    row[b][0] = dc[b];
  if (packed == NULL || stored->raw)
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
  store_free (store, slab, sizeof (Slab) + slab->capacity);
}

static void
forget_row (Store       *store,
            PackedArray *array,
            JDIMENSION   row)
{
  Slab *slab = array->rows[row].slab;

  array->rows[row].data = NULL;
  array->rows[row].slab = NULL;
  array->rows[row].raw = FALSE;
  if (slab != NULL && --slab->live_rows == 0 && slab != array->filling)
    slab_free (store, slab);
}

static void
append_row (j_common_ptr  cinfo,
            PackedArray  *array,
            JDIMENSION    row,
            const guint8 *bytes,
            gsize         n_bytes,
            gboolean      raw)
{
  Store *store = store_of (cinfo);
  Slab *slab = array->filling;

  array->largest_row = MAX (array->largest_row, n_bytes);
  if (slab == NULL || slab->capacity - slab->used < n_bytes)
    {
      gsize capacity = MAX (SLAB_BYTES, SLAB_ROWS * array->largest_row);

      capacity = MAX (MIN (capacity, array->small_image_slab), n_bytes);
      array->filling = NULL;
      if (slab != NULL && slab->live_rows == 0)
        slab_free (store, slab);
      slab = store_alloc (cinfo, sizeof (Slab) + capacity);
      slab->live_rows = 0;
      slab->used = 0;
      slab->capacity = capacity;
      array->filling = slab;
    }
  memcpy (slab->data + slab->used, bytes, n_bytes);
  array->rows[row].data = slab->data + slab->used;
  array->rows[row].slab = slab;
  array->rows[row].raw = raw;
  slab->used += n_bytes;
  slab->live_rows++;
}

static void
flush_window (j_common_ptr  cinfo,
              PackedArray  *array)
{
  Store *store = store_of (cinfo);
  gsize raw_bytes = (gsize) array->blocks_per_row * RAW_BLOCK;

  if (!array->window_dirty)
    return;
  /* Whatever happens below, the window is not written back twice. */
  array->window_dirty = FALSE;
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
      bytes = pack_row (array->window[i], array->blocks_per_row, dc, store->scratch, raw_bytes);
      forget_row (store, array, row);
      if (bytes < raw_bytes)
        append_row (cinfo, array, row, store->scratch, bytes, FALSE);
      else
        {
          for (JDIMENSION b = 0; b < array->blocks_per_row; b++)
            dc[b] = array->window[i][b][0];
          append_row (cinfo, array, row, (const guint8 *) array->window[i], raw_bytes, TRUE);
        }
    }
}

/* The row pointers, then the blocks they point to, in one allocation.
 * libjpeg-turbo's SIMD code needs the blocks aligned as malloc aligns. */
static gsize
window_pointers_bytes (JDIMENSION n_rows)
{
  return (n_rows * sizeof (JBLOCKROW) + 2 * sizeof (void *) - 1) & ~(2 * sizeof (void *) - 1);
}

static gsize
window_bytes (JDIMENSION n_rows,
              JDIMENSION blocks_per_row)
{
  return window_pointers_bytes (n_rows) + (gsize) n_rows * blocks_per_row * sizeof (JBLOCK);
}

static void
window_free (Store       *store,
             PackedArray *array)
{
  store_free (store, array->window, window_bytes (array->window_capacity, array->blocks_per_row));
  array->window = NULL;
  array->window_capacity = 0;
}

static void
packed_array_free (Store       *store,
                   PackedArray *array)
{
  if (array->rows != NULL)
    for (JDIMENSION i = 0; i < array->n_rows; i++)
      forget_row (store, array, i);
  if (array->filling != NULL)
    slab_free (store, array->filling);
  store_free (store, array->dc, (gsize) array->n_rows * array->blocks_per_row * sizeof (JCOEF));
  store_free (store, array->rows, array->n_rows * sizeof (StoredRow));
  window_free (store, array);
  store_free (store, array, sizeof (PackedArray));
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
  store_free (store, store->scratch, store->scratch_size);
  store->scratch = NULL;
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

  /* Linked first, so that a failure below leaves nothing unfreed. */
  array = store_alloc (cinfo, sizeof (PackedArray));
  memset (array, 0, sizeof *array);
  array->next = store->arrays;
  store->arrays = array;
  array->blocks_per_row = blocksperrow;
  array->max_access = maxaccess;
  array->dc = store_alloc (cinfo, (gsize) numrows * blocksperrow * sizeof (JCOEF));
  array->n_rows = numrows;
  memset (array->dc, 0, (gsize) numrows * blocksperrow * sizeof (JCOEF));
  array->rows = store_alloc (cinfo, numrows * sizeof (StoredRow));
  memset (array->rows, 0, numrows * sizeof (StoredRow));
  /* A small image would otherwise spend most of a slab on nothing. */
  array->small_image_slab = MAX ((gsize) blocksperrow * numrows * TYPICAL_BYTES_PER_BLOCK, 1);

  scratch_size = (gsize) blocksperrow * RAW_BLOCK + MAX_PACKED_BLOCK;
  if (scratch_size > store->scratch_size)
    {
      store_free (store, store->scratch, store->scratch_size);
      store->scratch = NULL;
      store->scratch_size = 0;
      store->scratch = store_alloc (cinfo, scratch_size);
      store->scratch_size = scratch_size;
    }
  return (jvirt_barray_ptr) array;
}

static void
ensure_window (j_common_ptr  cinfo,
               PackedArray  *array,
               JDIMENSION    num_rows)
{
  JBLOCKROW blocks;

  if (num_rows <= array->window_capacity)
    return;
  window_free (store_of (cinfo), array);
  array->window = store_alloc (cinfo, window_bytes (num_rows, array->blocks_per_row));
  blocks = (JBLOCKROW) ((guint8 *) array->window + window_pointers_bytes (num_rows));
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
      flush_window (cinfo, array);
      array->window_count = 0;
      ensure_window (cinfo, array, num_rows);
      for (JDIMENSION i = 0; i < num_rows; i++)
        {
          JDIMENSION row = start_row + i;
          const JCOEF *dc = array->dc + (gsize) row * array->blocks_per_row;

          if (array->rows[row].data == &released_row)
            ERREXIT (cinfo, JERR_VIRTUAL_BUG);
          if (dc_only)
            {
              for (JDIMENSION b = 0; b < array->blocks_per_row; b++)
                array->window[i][b][0] = dc[b];
              continue;
            }
          unpack_row (&array->rows[row], dc, array->window[i], array->blocks_per_row);
          if (!writable)
            {
              forget_row (store, array, row);
              array->rows[row].data = &released_row;
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
imgproc_coefficient_store_install (j_decompress_ptr cinfo,
                                   gsize            reservation)
{
  struct jpeg_memory_mgr *mem = cinfo->mem;
  Store *store;

  g_return_if_fail (cinfo->client_data == NULL);
  g_return_if_fail (!cinfo->buffered_image);

  store = g_try_new0 (Store, 1);
  if (store == NULL)
    ERREXIT1 (cinfo, JERR_OUT_OF_MEMORY, 2);
  store->limit = reservation;
  /* libjpeg's own arrays obey JPEGMEM (or max_memory_to_use) by failing
   * when they would pass it; packed ones do the same. */
  if (mem->max_memory_to_use > 0)
    store->limit = MIN (store->limit, (gsize) mem->max_memory_to_use);

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

static guint64
round_up (guint64 value,
          guint64 multiple)
{
  return (value + multiple - 1) / multiple * multiple;
}

/* libjpeg asks for its arrays in whole MCUs: each component's blocks,
 * rounded up to its sampling factors (jdcoefct.c). */
guint64
imgproc_coefficient_store_blocks (j_decompress_ptr cinfo)
{
  guint64 blocks = 0;

  for (int ci = 0; ci < cinfo->num_components; ci++)
    {
      const jpeg_component_info *component = &cinfo->comp_info[ci];

      blocks += round_up (component->width_in_blocks, component->h_samp_factor) *
                round_up (component->height_in_blocks, component->v_samp_factor);
    }
  return blocks;
}

/* The packed rows, typically; at worst every row raw with its DC copy,
 * and slabs a quarter empty. Besides them, what the store holds whatever
 * the data: the row index, a window of v_samp rows per component, two
 * slabs per component (the one filling, and the one a scan is emptying),
 * and the scratch row. */
guint64
imgproc_coefficient_store_reservation (j_decompress_ptr cinfo,
                                       gsize            file_len)
{
  guint64 blocks = imgproc_coefficient_store_blocks (cinfo);
  guint64 worst = blocks * (RAW_BLOCK + sizeof (JCOEF)) * (SLAB_ROWS + 1) / SLAB_ROWS;
  guint64 typical = blocks * TYPICAL_BYTES_PER_BLOCK + (guint64) file_len * TYPICAL_BYTES_PER_FILE_BYTE;
  guint64 fixed = 0, widest_row = 0;

  for (int ci = 0; ci < cinfo->num_components; ci++)
    {
      const jpeg_component_info *component = &cinfo->comp_info[ci];
      guint64 per_row = round_up (component->width_in_blocks, component->h_samp_factor);
      guint64 n_rows = round_up (component->height_in_blocks, component->v_samp_factor);

      fixed += sizeof (PackedArray) + n_rows * sizeof (StoredRow) +
               window_bytes ((JDIMENSION) component->v_samp_factor, (JDIMENSION) per_row) +
               2 * (sizeof (Slab) + SLAB_BYTES);
      widest_row = MAX (widest_row, per_row);
    }
  fixed += widest_row * RAW_BLOCK + MAX_PACKED_BLOCK;
  return MIN (worst, typical) + fixed;
}

void
imgproc_coefficient_store_add_messages (struct jpeg_error_mgr *err)
{
  err->addon_message_table = store_messages;
  err->first_addon_message = IMGPROC_JERR_OVER_RESERVATION;
  err->last_addon_message = IMGPROC_JERR_OVER_RESERVATION + G_N_ELEMENTS (store_messages) - 1;
}

gint
imgproc_coefficient_store_fail_allocation (gint n)
{
  gint before = allocations_until_failure;

  allocations_until_failure = n;
  return before;
}
