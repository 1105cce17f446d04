// Where the sandbox's virtual numbers live: real area codes and localities with their regions,
// LATAs, rate centers, postal codes and coordinates, so location filters behave plausibly.
// Every entry becomes one or more number blocks in catalog.ts.

/** [locality, rate center, postal code, latitude, longitude] */
export type PlaceRow = readonly [string, string, string, number, number];

export interface AreaRow {
  areaCode: string;
  region: string;
  lata: string;
  places: readonly PlaceRow[];
  /** numbers new to the platform (the Beta filter) */
  beta?: boolean;
}

export const US_AREAS: readonly AreaRow[] = [
  {
    areaCode: '415',
    region: 'CA',
    lata: '722',
    places: [
      ['San Francisco', 'SNFC CNTRL', '94105', 37.7749, -122.4194],
      ['Sausalito', 'SAUSALITO', '94965', 37.8591, -122.4853],
      ['San Rafael', 'SANRAFAEL', '94901', 37.9735, -122.5311],
    ],
  },
  {
    areaCode: '212',
    region: 'NY',
    lata: '132',
    places: [
      ['New York', 'NWYRCYZN01', '10007', 40.7128, -74.006],
      ['Manhattan', 'NWYRCYZN03', '10019', 40.7658, -73.9864],
      ['Harlem', 'NWYRCYZN05', '10027', 40.8116, -73.9465],
    ],
  },
  {
    areaCode: '808',
    region: 'HI',
    lata: '834',
    places: [
      ['Hilo', 'HILO', '96720', 19.72, -155.09],
      ['Honolulu', 'HONOLULU', '96813', 21.3069, -157.8583],
      ['Kahului', 'KAHULUI', '96732', 20.8893, -156.4729],
    ],
  },
  {
    areaCode: '312',
    region: 'IL',
    lata: '358',
    places: [
      ['Chicago', 'CHICAGO', '60601', 41.8781, -87.6298],
      ['Chicago', 'CHICAGOZN2', '60611', 41.8925, -87.6262],
      ['Chicago', 'CHICAGOZN3', '60616', 41.8445, -87.6261],
    ],
  },
  {
    areaCode: '206',
    region: 'WA',
    lata: '674',
    places: [
      ['Seattle', 'SEATTLE', '98101', 47.6062, -122.3321],
      ['Mercer Island', 'MERCERIS', '98040', 47.5707, -122.2221],
      ['Vashon', 'VASHON', '98070', 47.4473, -122.4598],
    ],
  },
  {
    areaCode: '512',
    region: 'TX',
    lata: '558',
    places: [
      ['Austin', 'AUSTIN', '78701', 30.2672, -97.7431],
      ['Round Rock', 'ROUNDROCK', '78664', 30.5083, -97.6789],
      ['San Marcos', 'SANMARCOS', '78666', 29.8833, -97.9414],
    ],
  },
  {
    areaCode: '617',
    region: 'MA',
    lata: '128',
    places: [
      ['Boston', 'BOSTON', '02108', 42.3601, -71.0589],
      ['Cambridge', 'CAMBRIDGE', '02139', 42.3736, -71.1097],
      ['Brookline', 'BROOKLINE', '02445', 42.3318, -71.1212],
    ],
  },
  {
    areaCode: '303',
    region: 'CO',
    lata: '656',
    places: [
      ['Denver', 'DENVER', '80202', 39.7392, -104.9903],
      ['Boulder', 'BOULDER', '80302', 40.015, -105.2705],
      ['Aurora', 'AURORA', '80010', 39.7294, -104.8319],
    ],
  },
  {
    areaCode: '305',
    region: 'FL',
    lata: '460',
    places: [
      ['Miami', 'MIAMI', '33130', 25.7617, -80.1918],
      ['Miami Beach', 'MIAMIBEACH', '33139', 25.7907, -80.13],
      ['Key West', 'KEY WEST', '33040', 24.5551, -81.78],
    ],
  },
  {
    areaCode: '404',
    region: 'GA',
    lata: '438',
    places: [
      ['Atlanta', 'ATLANTA', '30303', 33.749, -84.388],
      ['Decatur', 'DECATUR', '30030', 33.7748, -84.2963],
      ['East Point', 'EASTPOINT', '30344', 33.6796, -84.4394],
    ],
  },
  {
    areaCode: '213',
    region: 'CA',
    lata: '730',
    places: [
      ['Los Angeles', 'LOS ANGELES', '90012', 34.0522, -118.2437],
      ['Los Angeles', 'LSAN DA 01', '90017', 34.0537, -118.2642],
      ['Los Angeles', 'LSAN DA 02', '90021', 34.0294, -118.2392],
    ],
  },
  {
    areaCode: '702',
    region: 'NV',
    lata: '721',
    places: [
      ['Las Vegas', 'LAS VEGAS', '89101', 36.1699, -115.1398],
      ['Henderson', 'HENDERSON', '89002', 36.0395, -114.9817],
      ['Boulder City', 'BOULDERCY', '89005', 35.9786, -114.8325],
    ],
  },
  {
    areaCode: '503',
    region: 'OR',
    lata: '672',
    places: [
      ['Portland', 'PORTLAND', '97204', 45.5152, -122.6784],
      ['Salem', 'SALEM', '97301', 44.9429, -123.0351],
      ['Beaverton', 'BEAVERTON', '97005', 45.4871, -122.8037],
    ],
  },
  {
    areaCode: '615',
    region: 'TN',
    lata: '468',
    places: [
      ['Nashville', 'NASHVILLE', '37203', 36.1627, -86.7816],
      ['Franklin', 'FRANKLIN', '37064', 35.9251, -86.8689],
      ['Murfreesboro', 'MURFREESBR', '37130', 35.8456, -86.3903],
    ],
  },
  {
    areaCode: '202',
    region: 'DC',
    lata: '236',
    places: [
      ['Washington', 'WASHINGTON', '20001', 38.9072, -77.0369],
      ['Washington', 'WSHNGTNZN1', '20005', 38.9043, -77.0319],
    ],
  },
  {
    areaCode: '215',
    region: 'PA',
    lata: '228',
    places: [
      ['Philadelphia', 'PHILA', '19107', 39.9526, -75.1652],
      ['Doylestown', 'DOYLESTOWN', '18901', 40.3101, -75.1299],
    ],
  },
  {
    areaCode: '602',
    region: 'AZ',
    lata: '666',
    places: [
      ['Phoenix', 'PHOENIX', '85004', 33.4484, -112.074],
      ['Tempe', 'TEMPE', '85281', 33.4255, -111.94],
    ],
  },
  {
    areaCode: '612',
    region: 'MN',
    lata: '628',
    places: [
      ['Minneapolis', 'MINNEAPOLIS', '55401', 44.9778, -93.265],
      ['Richfield', 'RICHFIELD', '55423', 44.8833, -93.2833],
    ],
  },
  {
    areaCode: '919',
    region: 'NC',
    lata: '426',
    beta: true,
    places: [
      ['Raleigh', 'RALEIGH', '27601', 35.7796, -78.6382],
      ['Durham', 'DURHAM', '27701', 35.994, -78.8986],
      ['Chapel Hill', 'CHAPELHILL', '27514', 35.9132, -79.0558],
    ],
  },
  {
    areaCode: '313',
    region: 'MI',
    lata: '340',
    places: [
      ['Detroit', 'DETROIT', '48226', 42.3314, -83.0458],
      ['Dearborn', 'DEARBORN', '48124', 42.3223, -83.1763],
    ],
  },
];

export const CA_AREAS: readonly AreaRow[] = [
  {
    areaCode: '416',
    region: 'ON',
    lata: '888',
    places: [
      ['Toronto', 'TORONTO', 'M5H', 43.6532, -79.3832],
      ['Toronto', 'TORONTO', 'M4W', 43.6794, -79.3832],
    ],
  },
  {
    areaCode: '604',
    region: 'BC',
    lata: '888',
    places: [
      ['Vancouver', 'VANCOUVER', 'V6B', 49.2827, -123.1207],
      ['Burnaby', 'BURNABY', 'V5H', 49.2488, -122.9805],
    ],
  },
  {
    areaCode: '514',
    region: 'QC',
    lata: '888',
    places: [
      ['Montreal', 'MONTREAL', 'H2Y', 45.5017, -73.5673],
      ['Laval', 'LAVAL', 'H7N', 45.6066, -73.7124],
    ],
  },
  {
    areaCode: '403',
    region: 'AB',
    lata: '888',
    places: [
      ['Calgary', 'CALGARY', 'T2P', 51.0447, -114.0719],
      ['Airdrie', 'AIRDRIE', 'T4B', 51.2917, -114.0144],
    ],
  },
  {
    areaCode: '613',
    region: 'ON',
    lata: '888',
    places: [
      ['Ottawa', 'OTTAWA', 'K1P', 45.4215, -75.6972],
      ['Kanata', 'KANATA', 'K2K', 45.3088, -75.8987],
    ],
  },
];

/** NANP toll-free prefixes Twilio sells. */
export const TOLL_FREE_PREFIXES: readonly string[] = ['800', '833', '844', '855', '866', '877', '888'];
