/* tests/exec/mix.c: the second workload of the timing-model benchmark
 * (tools/bench.c), in the spirit of CoreMark: linked-list walks and
 * reversal, an integer matrix multiply, a bitwise CRC-32, a quicksort and
 * a small state machine, about 150 million instructions in all. Its basic
 * blocks are of ordinary length, unlike bench.c's three-instruction loop. */
#define NODES 1000
#define DIM 24
#define BYTES 8192
#define SORT 2000
#define ROUNDS 150

struct node {
    struct node *next;
    long value;
};

static struct node nodes[NODES];
static long ma[DIM][DIM], mb[DIM][DIM], mc[DIM][DIM];
static unsigned char bytes[BYTES];
static long keys[SORT];
static unsigned long seed = 12345;

static unsigned long rnd(void)
{
    seed = seed * 6364136223846793005UL + 1442695040888963407UL;
    return seed >> 33;
}

static long list_round(void)
{
    struct node *head = 0;
    for (int i = 0; i < NODES; i++) {
        nodes[i].value = (long)(rnd() & 1023);
        nodes[i].next = head;
        head = &nodes[i];
    }
    long sum = 0;
    for (int pass = 0; pass < 4; pass++) {
        struct node *prev = 0, *p = head;
        while (p) { /* reverse */
            struct node *next = p->next;
            p->next = prev;
            prev = p;
            p = next;
        }
        head = prev;
        for (p = head; p; p = p->next) /* find the small ones */
            if (p->value < 100)
                sum += p->value;
    }
    return sum;
}

static long matrix_round(void)
{
    for (int i = 0; i < DIM; i++)
        for (int j = 0; j < DIM; j++) {
            ma[i][j] = (long)(rnd() & 255);
            mb[i][j] = (long)(rnd() & 255);
        }
    for (int i = 0; i < DIM; i++)
        for (int j = 0; j < DIM; j++) {
            long s = 0;
            for (int k = 0; k < DIM; k++)
                s += ma[i][k] * mb[k][j];
            mc[i][j] = s;
        }
    return mc[DIM / 2][DIM / 3];
}

static unsigned crc_round(void)
{
    for (int i = 0; i < BYTES; i++)
        bytes[i] = (unsigned char)rnd();
    unsigned crc = 0xffffffffu;
    for (int i = 0; i < BYTES; i++) {
        crc ^= bytes[i];
        for (int b = 0; b < 8; b++)
            crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

static void quicksort(long *v, int lo, int hi)
{
    while (lo < hi) {
        long pivot = v[(lo + hi) / 2];
        int i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot)
                i++;
            while (v[j] > pivot)
                j--;
            if (i <= j) {
                long t = v[i];
                v[i++] = v[j];
                v[j--] = t;
            }
        }
        if (j - lo < hi - i) { /* recurse on the smaller side */
            quicksort(v, lo, j);
            lo = i;
        } else {
            quicksort(v, i, hi);
            hi = j;
        }
    }
}

static long sort_round(void)
{
    for (int i = 0; i < SORT; i++)
        keys[i] = (long)(rnd() & 0xffff);
    quicksort(keys, 0, SORT - 1);
    return keys[SORT / 2];
}

/* Counts numbers, words and other characters in a stream of symbols. */
static long state_round(void)
{
    long counts[3] = {0, 0, 0};
    int state = 0;
    for (int i = 0; i < BYTES; i++) {
        unsigned c = (unsigned)(rnd() % 40);
        int kind = c < 10 ? 0 : c < 36 ? 1 : 2; /* digit, letter, separator */
        if (kind != state) {
            counts[kind]++;
            state = kind;
        }
    }
    return counts[0] * 3 + counts[1] * 2 + counts[2];
}

long _start(void);
__attribute__((section(".text.boot"))) long _start(void)
{
    long acc = 0;
    for (int r = 0; r < ROUNDS; r++)
        acc += list_round() + matrix_round() + (long)crc_round() + sort_round() + state_round();
    return acc & 0xff;
}
