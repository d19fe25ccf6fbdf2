//! Word evidence for the Latin-script languages.
//!
//! Each list holds frequent function words and the vocabulary of the register redflag reads (SMS, job
//! ads, scam chats), written in folded form: lower case, Vietnamese diacritics removed, `đ` → `d`. A
//! word in several lists is evidence for each of them; what decides is the words that only one
//! language uses (see `latin::Evidence::exclusive`).
//!
//! The lists were written for this crate, by hand, not copied. Where they come from:
//! - English, Tagalog and shared Indonesian/Malay function words: the usual stop-word inventories
//!   (as in the stopwords-iso collection, the Sastrawi Indonesian list, the `malaytextr` Malay
//!   list), kept only where a word is not also a common word of another language here.
//! - Indonesian vs Malay: Wikipedia, "Comparison of Indonesian and Standard Malay"
//!   (en.wikipedia.org/wiki/Comparison_of_Indonesian_and_Standard_Malay) and its Malay counterpart
//!   "Perbezaan antara Bahasa Melayu Piawai dan Bahasa Indonesia", whose vocabulary table gives
//!   pairs such as kedai/toko, kerana/karena, Isnin/Senin, Ogos/Agustus, bercakap/berbicara and
//!   notes the spelling wang/uang; Wiktionary's "Appendix:Indonesian–Standard Malay relations"
//!   for more pairs (pejabat/kantor, percuma/gratis, telefon/telepon, akaun/rekening). Words that
//!   exist in both varieties with another sense or frequency (Indonesian `pejabat` is an official,
//!   `kereta` a train) are weak evidence only.
//! - Vietnamese: frequent syllables of everyday, service and banking SMS, and the common SMS
//!   abbreviations (`ko`, `dc`, `tk`, `gd`).
//!
//! Tuning was checked on the datasets in `../shared/data` (see `tests/shared_data.rs`); the
//! Malay/Indonesian split has a held-out fixture that was never tuned on.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

/// A small multiplicative hash (the FxHash recipe): the keys are short ASCII words from a fixed
/// list, so no protection against hash flooding is needed, and SipHash would dominate a lookup.
#[derive(Default)]
pub(crate) struct WordHasher(u64);

impl Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x517c_c1b7_2722_0a95);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// The word table's type.
pub(crate) type Table = HashMap<&'static str, Weights, BuildHasherDefault<WordHasher>>;

/// Evidence slots: the four Latin languages plus the Malay/Indonesian split.
pub(crate) const EN: usize = 0;
pub(crate) const TL: usize = 1;
pub(crate) const VI: usize = 2;
/// Shared Malay/Indonesian (standard Malay as written in both countries).
pub(crate) const MALAY: usize = 3;
/// Indonesian only.
pub(crate) const ID: usize = 4;
/// Malaysian/Bruneian/Singaporean Malay only.
pub(crate) const MS: usize = 5;
pub(crate) const SLOTS: usize = 6;

/// Weights of one word, per slot.
pub(crate) type Weights = [f32; SLOTS];

// --- English -------------------------------------------------------------------------------------
// Function words first, then the vocabulary of SMS, job ads and scams. Words that are also frequent
// folded Vietnamese syllables (can, the, to, so, an, on, do, me, no, he, ban, tin, long, hang) are in
// the Vietnamese lists too, so that they do not decide between the two.
const EN_WORDS: &str = "
the and you your yours for are is was were be been being have has had having will would shall should
can could may might must of to in on at by with from into onto about above after again against all
also am an any as because before below between both but down during each few further here how if it
its itself just more most my myself no nor not now off once only or other our ours out over own same
she he her hers him his so some such than that their theirs them then there these they this those
through too under until up very we what when where which while who whom why yours yourself you're
i'm it's don't can't won't didn't doesn't isn't aren't i've you've we're they're i'll you'll let's
there's that's what's
a i u ur pls plz thx thanks thank please hello hi hey dear yes yeah ok okay sorry
get got getting go going gone went come came coming know knew want wanted need needs like liked love
make made take took see saw seen say said tell told think thought give gave given find found keep
call called calling text reply send sent receive received click visit join apply start stop check
win won winner winning prize prizes cash claim claimed free bonus reward rewards offer offers gift
money pay paid payment salary income earn earning earnings job jobs work working worked hiring hire
vacancy vacancies position experience required requirements company office team staff service
services customer customers contact message messages number phone mobile account bank card transfer
deposit withdraw withdrawal investment invest profit profits return returns daily weekly monthly
week weeks month months year years day days today tomorrow tonight yesterday morning night time
home house family friend friends people person man woman girl boy baby good great best better well
nice happy new old big small long little much many every next last first one two three four five
six seven eight nine ten hundred thousand million only still already always never ever soon later
right left sure really maybe something nothing anything everything someone anyone everyone
help safe please urgent important limited exclusive guaranteed easy simple fast quick apply now
register sign login password code verify verification link details information info update
delivery parcel package address order price cost fee fees charge charges tax customs police visa
passport flight ticket hotel travel abroad overseas country city border english chinese
looking available interested welcome congratulations selected chance lucky luck enjoy play game
games slot casino bet sport live watch waiting wait meet lunch dinner back way sms minute minutes
hour hours lol wat wot gonna wanna dont cant wont im ive ill didnt doesnt";

// --- Tagalog (incl. Taglish spellings) -----------------------------------------------------------
const TL_WORDS: &str = "
ang ng mga sa na ay ko mo ka ako ikaw siya sya kami tayo sila kayo po opo ho hindi oo lang lamang
din rin naman nman pa ba kung mayroon meron wala walang ito iyan yan yun iyon yung dito diyan dyan
doon nang pag kapag kasi kc pero natin namin niya nya nila ninyo niyo nyo ano anong paano saan
kailan bakit sino salamat maraming marami mag nag ngayon ngayong bukas araw piso trabaho sahod
kumita libre libreng agad lahat isa dalawa tatlo pang naka nasa mula hanggang tungkol gusto
kailangan pwede puwede pwd sige talaga tlga diba kaya baka dahil upang bilang muna pala iyong
inyong aking ating aming kanilang nito noon lng wag huwag kayong iyo akin amin atin kanila kanya
ni nina sina kay kina pinaka sobra maging gawin bayad pera manalo panalo premyo regalo bawat makuha
makakuha kumuha magandang maganda tao bahay gabi umaga hapon tanghali buwan taon oras ngunit
subalit lalo habang kahit sabi alam akala tingin hintay tulong paki babala padala ipadala
magpadala ikaw sayo kayang ikaw lahat naman ngayon mamaya gawa gumawa magkano ilan lagi palagi
mabuti masaya sigurado siguro tapos ganito ganyan ganoon kahapon kanina nakuha nanalo nagwagi
panalong premyong pumunta punta kunin kuha ibigay bigay bibigyan tawag tumawag tawagan ipasa
ipinadala natanggap tanggap makatanggap kababayan kuya ate
may at para";

// --- Vietnamese (folded, distinctive) ------------------------------------------------------------
// Syllables frequent in Vietnamese and not words of the other four languages.
const VI_WORDS: &str = "
khong ko kg duoc dc nguoi nhung nhu cua voi vs cac nhieu viec lam nhan tien khach quy vui dien
thoai dt ngan khoan thanh toan dang xac thuc mot hai ngay gio phut thang tuan nay den ve vao len
xuong lai roi chua se bi phai nen neu thi vi de cung rat qua hon nhat moi tat ai gi sao nao dau bao
minh em anh chi ong toi chung ho viet trieu nghin tram muoi xin cam chao hen gap goi nhe nha oi vay
thu mien phi luong cao kinh nghiem tuyen dung lien nhap mat khau kich hoat uu dai giam tang
cuoc dich vu nap thue hop vay han chuyen giao don phong chong lua dao canh cong ty loi nhuan kiem
mua hoc sinh truong lop thay truoc sang chieu trua hom tuoi nhanh cham kho tot xau dep lon nho them
bot sach va la cho cac cua nguoi nhieu duong quan huyen tinh xa tai khoan nhan vien van
thang nam ngan dung uy quyen ca nhan tra thue bao tb qc vnd dong ngay nhu cau
giup ghi diem doi tim kiem lao nuoc ngoai luong thuong thanh cong noi dung bao gom
hien huong dan lam viec hoc hanh gui nhan cuoc goi nhan dia chi trong ngoai hoac nhung khi
duoc biet nhe nha oi
tk gd luc du nd sd tt ck stk mgd gdich ktra kiem tra dk dky sdt";

// Ambiguous Vietnamese syllables that are also English or Malay words: half weight.
const VI_WEAK: &str = "can the to so an on do me no he ban tin long hang con co bo sau tu ba
ma gia cho di
dia";

// --- Malay and Indonesian, shared ----------------------------------------------------------------
const MALAY_WORDS: &str = "
yang dan di ke dari untuk dengan ini itu ada tidak akan anda kami kita saya aku dia mereka sudah
juga atau dalam pada bagi oleh hari jika kalau sebagai lebih banyak semua telah hanya masih belum
baru sangat perlu ingin terima kasih mohon segera hubungi dapat dapatkan hadiah kerja bekerja
pekerjaan gaji bulan tahun minggu juta ribu rb jt beli bayar harga murah aktif selamat pagi malam
siang tolong nanti sekarang sini mana apa siapa bagaimana kenapa mengapa berapa tanpa pengalaman
syarat tinggi besar kecil orang rumah anak ibu bapak pak kak adik abang duit tunggu tetapi tapi
sebab supaya agar adalah ialah merupakan punya dll utk yg dgn tdk sdh jg sy lah kan engkau kau
saudara tuan pemenang menang undian tiket benar hendak cuma kini ketika selama sebelum sehingga
hingga sampai serta beliau daerah jalan kampung rakyat masyarakat sedang lagi pernah wajib klik
setiap baik hati kali cara sama lain seperti jadi boleh
kepada antara tentang karena secara paling baik pula biasa mudah senang gembira sekali dahulu
masa waktu pesanan produk layanan pelanggan nama alamat kata tak
tersebut sana
jangan sudah pulang lg dulu dlu ambil cari buat tahu nya mana kita semua bila sini situ begitu begini sendiri juga pun hal baru masuk keluar naik turun datang pergi lihat terus tadi kakak";

// --- Indonesian only -----------------------------------------------------------------------------
// Indonesian forms whose Malaysian counterpart differs (in brackets where useful): bisa (boleh),
// saja (sahaja), karena (kerana), uang (wang), gratis (percuma), silakan (sila), kantor (pejabat),
// mobil (kereta), telepon (telefon), nomor (nombor), rekening (akaun), toko (kedai), Senin (Isnin),
// paket (pakej), informasi (maklumat), lowongan (jawatan kosong), tautan (pautan), situs (laman);
// and the colloquial Indonesian of SMS (Jakarta particles and spellings: gak, aja, dong, udah, nih).
const ID_WORDS: &str = "
bisa saja karena uang gratis silakan silahkan rupiah kantor mobil telepon nomor rekening toko
senin agustus maret paket informasi lowongan perusahaan kalian gak nggak ga enggak aja dong sih
deh kok banget bgt udah udh gimana kayak gue gua lu lo pulsa resmi provinsi kabupaten tautan situs
yaitu yakni apotek apotik karcis handphone hp mbak bu trims makasih terimakasih buruan ayo yuk
dapetin dapet mau nih gitu gini gt gatau liat abis nonton kalo pake ngambil
nyari cariin bikin entar ntar emang emangnya knapa gmn gimana dmn
dimana trs sm iya yaa yah loh lho hrs
karyawan kamboja paspor agen komisi investasi gampang ngetik kode keamanan kualitas";

// Indonesian words Malay also uses, but less often or in another sense.
const ID_WEAK: &str = "
kamu kirim kuota pemerintah kota berhasil setelah sesudah selanjutnya berbicara mengerti paham
pakai memiliki saat polisi
pesan terbatas gabung";

// --- Malay only ----------------------------------------------------------------------------------
// Malaysian forms (see the Indonesian list for the pairs), and Malaysian colloquial (nak, dah, je,
// korang, camne, kat).
const MS_WORDS: &str = "
sahaja kerana wang percuma sila ringgit telefon nombor akaun kedai isnin ogos pakej maklumat
jawatan syarikat awak je tahniah mesej talian pautan berjaya sebarang sesiapa selepas baiki mahu
bercakap korang kamorang encik puan cik rasmi kakitangan elaun universiti bas teksi bimbit iaitu
kat camne takde xde
khidmat kemboja kelayakan pasport ejen komisen tiada pelaburan terhad sertai kod kualiti";

// Malay words Indonesian also uses, but less often or in another sense (Indonesian `pejabat` is an
// official, `kereta` a train, `polis` an insurance policy, `kerajaan` a kingdom).
const MS_WEAK: &str = "
boleh tak lah nak dah pejabat kereta mac seterusnya sekiranya semasa kerajaan mesti faham betul
polis daripada macam
tu ni
pekerja cina majikan keselamatan";

// Tagalog words that are also Malay/Indonesian words.
const TL_WEAK: &str = "kita si sana sama anak";

/// Words that are evidence for no language: platform and brand names, units, and English loanwords
/// that every one of these languages uses in ads ("online", "bonus"). They still count as Latin
/// letters, but they never make a language "present".
const NEUTRAL: &str = "
telegram whatsapp wa wechat line zalo viber facebook fb messenger instagram ig tiktok youtube
shopee lazada tokopedia grab gojek gcash maya momo usdt usd btc eth trx tron binance crypto
vip ok online app apk web website link http https www com net org sms otp id pin tel hotline
wifi gb mb kb internet data promo bonus fanpage email gmail admin cs ctv kol livestream
";

fn add(map: &mut Table, list: &'static str, slot: usize, w: f32) {
    for word in list.split_whitespace() {
        let e = map.entry(word).or_insert([0.0; SLOTS]);
        // A word listed twice for one language keeps the larger weight.
        e[slot] = e[slot].max(w);
    }
}

/// The merged word table, built once.
pub(crate) fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut m = Table::with_capacity_and_hasher(2048, Default::default());
        add(&mut m, EN_WORDS, EN, 1.0);
        add(&mut m, TL_WORDS, TL, 1.0);
        add(&mut m, VI_WORDS, VI, 1.0);
        add(&mut m, VI_WEAK, VI, 0.5);
        add(&mut m, MALAY_WORDS, MALAY, 1.0);
        // Variety-specific words are also Malay-group evidence; their own slot separates id from ms.
        add(&mut m, ID_WORDS, ID, 1.0);
        add(&mut m, MS_WORDS, MS, 1.0);
        add(&mut m, TL_WEAK, TL, 0.5);
        add(&mut m, ID_WEAK, ID, 0.5);
        add(&mut m, MS_WEAK, MS, 0.5);
        for w in NEUTRAL.split_whitespace() {
            m.insert(w, [0.0; SLOTS]);
        }
        m
    })
}
