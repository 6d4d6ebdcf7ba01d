//! A generated, realistic demo catalogue: categories, brands, sizes, several tax classes and
//! valid barcodes. Deterministic, so a demo store and a benchmark look the same every run.

use crate::barcode::gtin_check_digit;
use crate::catalogue::Product;
use crate::money::Money;

/// The demo store's tax classes and their rates in basis points (Dutch rates).
pub const DEMO_TAX_CLASSES: [(&str, &str, u32); 3] = [
    ("standard", "Standard rate", 2100),
    ("reduced", "Reduced rate (food, books)", 900),
    ("zero", "Zero rate", 0),
];

struct Category {
    name: &'static str,
    tax_class: &'static str,
    /// Price range in minor units.
    price: (i64, i64),
    nouns: &'static [&'static str],
    sizes: &'static [&'static str],
}

const CATEGORIES: &[Category] = &[
    Category {
        name: "Dairy",
        tax_class: "reduced",
        price: (59, 699),
        nouns: &[
            "Whole Milk",
            "Semi-Skimmed Milk",
            "Greek Yoghurt",
            "Gouda Cheese",
            "Butter",
            "Crème Fraîche",
            "Buttermilk",
            "Vla",
            "Cottage Cheese",
            "Cream",
        ],
        sizes: &["250 g", "500 g", "1 L", "500 ml", "1 kg"],
    },
    Category {
        name: "Bakery",
        tax_class: "reduced",
        price: (89, 549),
        nouns: &[
            "Sourdough Loaf",
            "Croissant",
            "Rye Bread",
            "Baguette",
            "Stroopwafels",
            "Brioche",
            "Bagels",
            "Crackers",
            "Muffins",
            "Pain au Chocolat",
        ],
        sizes: &["1 pc", "4 pcs", "6 pcs", "400 g", "800 g"],
    },
    Category {
        name: "Produce",
        tax_class: "reduced",
        price: (49, 499),
        nouns: &[
            "Apples",
            "Bananas",
            "Tomatoes",
            "Carrots",
            "Avocado",
            "Spinach",
            "Pears",
            "Mushrooms",
            "Onions",
            "Blueberries",
        ],
        sizes: &["500 g", "1 kg", "250 g", "2 pcs", "bunch"],
    },
    Category {
        name: "Pantry",
        tax_class: "reduced",
        price: (79, 899),
        nouns: &[
            "Penne Pasta",
            "Basmati Rice",
            "Olive Oil",
            "Peanut Butter",
            "Tomato Sauce",
            "Muesli",
            "Honey",
            "Chickpeas",
            "Coconut Milk",
            "Dark Chocolate",
        ],
        sizes: &["250 g", "500 g", "1 kg", "750 ml", "400 g"],
    },
    Category {
        name: "Beverages",
        tax_class: "reduced",
        price: (69, 599),
        nouns: &[
            "Orange Juice",
            "Sparkling Water",
            "Green Tea",
            "Espresso Beans",
            "Apple Juice",
            "Cola",
            "Oat Drink",
            "Iced Tea",
            "Ginger Beer",
            "Ground Coffee",
        ],
        sizes: &["330 ml", "1 L", "1.5 L", "500 g", "20 bags"],
    },
    Category {
        name: "Wine & Beer",
        tax_class: "standard",
        price: (129, 2999),
        nouns: &[
            "Pinot Noir",
            "Sauvignon Blanc",
            "Rioja Crianza",
            "Côtes du Rhône",
            "IPA",
            "Pilsner",
            "Blonde Ale",
            "Prosecco",
            "Rosé",
            "Stout",
        ],
        sizes: &["75 cl", "33 cl", "6 x 33 cl", "1.5 L", "50 cl"],
    },
    Category {
        name: "Household",
        tax_class: "standard",
        price: (99, 1299),
        nouns: &[
            "Dish Soap",
            "Laundry Detergent",
            "Paper Towels",
            "Sponges",
            "Bin Bags",
            "Glass Cleaner",
            "Candles",
            "Batteries AA",
            "Light Bulb",
            "Storage Box",
        ],
        sizes: &["500 ml", "1 L", "4 pcs", "10 pcs", "20 pcs"],
    },
    Category {
        name: "Personal Care",
        tax_class: "standard",
        price: (129, 1999),
        nouns: &[
            "Shampoo",
            "Toothpaste",
            "Shower Gel",
            "Hand Cream",
            "Deodorant",
            "Razor Blades",
            "Sunscreen SPF 30",
            "Lip Balm",
            "Cotton Pads",
            "Body Lotion",
        ],
        sizes: &["50 ml", "100 ml", "250 ml", "400 ml", "4 pcs"],
    },
    Category {
        name: "Books & Magazines",
        tax_class: "reduced",
        price: (399, 3499),
        nouns: &[
            "Cookbook",
            "Travel Guide",
            "Novel",
            "Puzzle Book",
            "Children's Book",
            "Food Magazine",
            "Atlas",
            "Notebook Diary",
            "Comic",
            "Poetry Collection",
        ],
        sizes: &["paperback", "hardcover", "issue", "A5", "large print"],
    },
    Category {
        name: "Clothing",
        tax_class: "standard",
        price: (499, 7999),
        nouns: &[
            "T-Shirt",
            "Hoodie",
            "Socks",
            "Scarf",
            "Beanie",
            "Rain Jacket",
            "Jeans",
            "Sweater",
            "Gloves",
            "Apron",
        ],
        sizes: &["S", "M", "L", "XL", "one size"],
    },
    Category {
        name: "Stationery",
        tax_class: "standard",
        price: (49, 1499),
        nouns: &[
            "Ballpoint Pens",
            "Notebook",
            "Sticky Notes",
            "Envelopes",
            "Highlighters",
            "Stapler",
            "Gift Wrap",
            "Greeting Card",
            "Pencils",
            "Tape",
        ],
        sizes: &["3 pcs", "10 pcs", "A4", "A5", "roll"],
    },
    Category {
        name: "Vouchers & Post",
        tax_class: "zero",
        price: (100, 5000),
        nouns: &[
            "Postage Stamp",
            "Gift Card",
            "Parcel Label",
            "Phone Top-Up",
            "Lottery Ticket",
        ],
        sizes: &["1 pc", "5 pcs", "10 pcs", "value", "single"],
    },
];

const BRANDS: &[&str] = &[
    "Hollandia",
    "Noordhoeve",
    "Kassa Basics",
    "Zuiderzee",
    "De Molen",
    "Gouden Korf",
    "Polderland",
    "Verde",
    "Alpina",
    "Bergman",
    "Linde",
    "Oranje",
    "Kustlicht",
    "Maasdal",
    "Vlinder",
    "Amstel Lane",
    "Brabant Farms",
    "Eiland",
    "Rozenhof",
    "Tulip Co",
    "Nordic Home",
    "Café Noir",
    "Björk",
    "São Miguel",
    "Müller & Zn",
    "Leuven",
    "Ijsselmeer",
    "Veluwe",
    "Texel",
    "Waddenzee",
];

const ADJECTIVES: &[&str] = &[
    "Organic",
    "Classic",
    "Extra",
    "Fresh",
    "Premium",
    "Light",
    "Original",
    "Wholegrain",
    "Mild",
    "Rich",
    "Natural",
    "Crunchy",
    "Smooth",
    "Artisan",
    "Family",
    "Mini",
    "Deluxe",
    "Everyday",
    "Vegan",
    "Spicy",
];

/// splitmix64: a tiny, well-mixed deterministic generator (no dependency, no floats).
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

fn pick<'a>(list: &[&'a str], seed: u64) -> &'a str {
    list[(seed % list.len() as u64) as usize]
}

/// An in-store EAN-13 (prefix 2, reserved for a retailer's own numbering) with a valid check digit.
pub fn demo_ean13(index: u64) -> String {
    let body = format!("2{:011}", index % 100_000_000_000);
    let check = gtin_check_digit(&body);
    format!("{body}{check}")
}

/// Product number `index` of the demo catalogue.
pub fn demo_product(index: u64) -> Product {
    let seed = mix(index);
    let category = &CATEGORIES[(seed % CATEGORIES.len() as u64) as usize];
    let brand = pick(BRANDS, seed >> 8);
    let adjective = pick(ADJECTIVES, seed >> 16);
    let noun = pick(category.nouns, seed >> 24);
    let size = pick(category.sizes, seed >> 32);
    let (low, high) = category.price;
    let span = u64::try_from(high - low).unwrap_or(1).max(1);
    // Shelf prices end in 9 (or 5 for cheaper goods), as real ones do.
    let raw = low + i64::try_from((seed >> 40) % span).unwrap_or(0);
    let ending = if raw < 200 { 5 } else { 9 };
    let price = (raw / 10) * 10 + ending;
    let mut barcodes = vec![demo_ean13(index)];
    if (seed >> 48).is_multiple_of(10) {
        // Some goods carry a second (multipack or supplier) code.
        barcodes.push(demo_ean13(50_000_000_000 + index));
    }
    Product {
        sku: format!("D{index:06}"),
        name: format!("{brand} {adjective} {noun} {size}"),
        price: Money::from_minor(price),
        tax_class: category.tax_class.to_string(),
        category: Some(category.name.to_string()),
        barcodes,
        active: true,
        scheduled_prices: Vec::new(),
    }
}

/// The first `count` products of the demo catalogue.
pub fn demo_catalogue(count: u64) -> impl Iterator<Item = Product> {
    (0..count).map(demo_product)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::barcode::{classify_code, BarcodeKind};
    use std::collections::HashSet;

    #[test]
    fn demo_products_are_valid_varied_and_stable() {
        let products: Vec<Product> = demo_catalogue(5_000).collect();
        let mut skus = HashSet::new();
        let mut codes = HashSet::new();
        let mut categories = HashSet::new();
        let mut classes = HashSet::new();
        for p in &products {
            p.validate().unwrap();
            assert!(skus.insert(p.sku.clone()));
            for code in &p.barcodes {
                assert_eq!(classify_code(code), Ok(BarcodeKind::Ean13));
                assert!(codes.insert(code.clone()), "barcode {code} is unique");
            }
            categories.insert(p.category.clone());
            classes.insert(p.tax_class.clone());
            assert!(p.price.minor() > 0);
        }
        assert_eq!(categories.len(), CATEGORIES.len());
        assert_eq!(classes.len(), 3);
        assert_eq!(demo_product(42), demo_product(42));
    }
}
