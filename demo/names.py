"""The demo's people: name pools by region, names in their own script, names that must appear."""

from __future__ import annotations

# name pools: (weight, given names, family names, [(location, IANA timezone)], family first?)
# fmt: off
REGIONS = [
    (30, "James Emily Michael Sarah David Jessica Chris Ashley Ryan Megan Tyler Lauren Kevin "
     "Rachel Brandon Nicole Marcus Brianna Daniel Olivia Ethan Hannah Noah Grace Jamal Keisha",
     "Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore "
     "Jackson Martin Thompson White Harris Clark Lewis Robinson Walker Young Allen King Wright "
     "Scott Green Baker Adams Nelson Hill Campbell Mitchell Roberts Phillips Evans Turner",
     [("Boston, MA", "America/New_York"), ("Pittsburgh, PA", "America/New_York"),
      ("Austin, TX", "America/Chicago"), ("Chicago, IL", "America/Chicago"),
      ("Denver, CO", "America/Denver"), ("San Francisco, CA", "America/Los_Angeles"),
      ("Seattle, WA", "America/Los_Angeles"), ("Phoenix, AZ", "America/Phoenix")], False),
    (7, "Oliver Amelia Harry Isla George Freya Jack Poppy Callum Niamh Aoife Ciarán Seán Eimear",
     "Hughes Patel Walsh Murphy Kelly O'Brien O'Neill Byrne Fletcher Davies MacLeod Doyle",
     [("London, UK", "Europe/London"), ("Manchester, UK", "Europe/London"),
      ("Edinburgh, UK", "Europe/London"), ("Dublin, Ireland", "Europe/Dublin")], False),
    (7, "Lukas Leonie Jonas Lea Felix Anna Maximilian Sophie Jürgen Jörg Tobias Ümit Käthe",
     "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schäfer Koch Krüger Böhm Vogel",
     [("Berlin, Germany", "Europe/Berlin"), ("Munich, Germany", "Europe/Berlin"),
      ("Zürich, Switzerland", "Europe/Zurich"), ("Vienna, Austria", "Europe/Vienna")], False),
    (4, "Camille Léa Hugo Chloé Louis Manon Théo Inès Élodie Antoine Clément Benoît",
     "Martin Bernard Dubois Robert Richard Petit Durand Leroy Moreau Lefèvre Girard Fontaine",
     [("Paris, France", "Europe/Paris"), ("Lyon, France", "Europe/Paris"),
      ("Grenoble, France", "Europe/Paris")], False),
    (7, "José María Lucía Alejandro Sofía Javier Valentina Diego Camila Mateo Andrés Ximena "
     "João Beatriz",
     "García Rodríguez Núñez Fernández López Martínez Sánchez Pérez Gómez Hernández Díaz "
     "Álvarez Romero Silva Santos Oliveira",
     [("Madrid, Spain", "Europe/Madrid"), ("Barcelona, Spain", "Europe/Madrid"),
      ("Mexico City, Mexico", "America/Mexico_City"),
      ("Buenos Aires, Argentina", "America/Argentina/Buenos_Aires"),
      ("São Paulo, Brazil", "America/Sao_Paulo"), ("Bogotá, Colombia", "America/Bogota"),
      ("Lisbon, Portugal", "Europe/Lisbon")], False),
    (10, "Aarav Priya Rohan Ananya Vikram Sneha Arjun Kavya Rahul Divya Siddharth Ishita "
     "Karthik Meera Aditya Pooja Nikhil Lakshmi",
     "Sharma Patel Iyer Reddy Nair Gupta Singh Kumar Rao Menon Desai Joshi Mehta Krishnan "
     "Banerjee Pillai Verma",
     [("Bengaluru, India", "Asia/Kolkata"), ("Hyderabad, India", "Asia/Kolkata"),
      ("Pune, India", "Asia/Kolkata"), ("Chennai, India", "Asia/Kolkata")], False),
    (5, "Wei Jing Min Lei Yan Hao Xin Yu Tao Ling Jun Fang",
     "Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun",
     [("Shanghai, China", "Asia/Shanghai"), ("Shenzhen, China", "Asia/Shanghai"),
      ("Taipei, Taiwan", "Asia/Taipei"), ("Singapore", "Asia/Singapore")], False),
    (3, "Haruto Yui Sota Aoi Ren Hina Kenji Yuki Takumi Sakura Daiki Mio",
     "Sato Suzuki Takahashi Tanaka Watanabe Ito Yamamoto Nakamura Kobayashi Kato Yoshida",
     [("Tokyo, Japan", "Asia/Tokyo"), ("Osaka, Japan", "Asia/Tokyo")], False),
    (2, "Minjun Seoyeon Jiho Hayoon Doyun Jiwoo Seojun Eunji",
     "Kim Lee Park Choi Jung Kang Cho Yoon",
     [("Seoul, South Korea", "Asia/Seoul"), ("Daejeon, South Korea", "Asia/Seoul")], False),
    (4, "Chinedu Amara Oluwaseun Ngozi Kwame Abena Tunde Zainab Emeka Chiamaka Kofi Thabo Naledi",
     "Okafor Adeyemi Okonkwo Mensah Boateng Eze Nwosu Balogun Osei Asante Nkosi Dlamini",
     [("Lagos, Nigeria", "Africa/Lagos"), ("Accra, Ghana", "Africa/Accra"),
      ("Nairobi, Kenya", "Africa/Nairobi"), ("Cape Town, South Africa", "Africa/Johannesburg")],
     False),
    (3, "Łukasz Katarzyna Piotr Agnieszka Michał Zofia Tomasz Małgorzata",
     "Nowak Wójcik Mazur Krawczyk Kaczmarek Zając Król Wieczorek Dudek Pawlak",
     [("Warsaw, Poland", "Europe/Warsaw"), ("Kraków, Poland", "Europe/Warsaw")], False),
    (3, "Björn Åsa Lars Ingrid Mikael Sigrid Søren Freja Henrik Astrid",
     "Andersson Johansson Lindqvist Nyström Åberg Jensen Nielsen Østergaard Halvorsen",
     [("Stockholm, Sweden", "Europe/Stockholm"), ("Copenhagen, Denmark", "Europe/Copenhagen"),
      ("Oslo, Norway", "Europe/Oslo")], False),
    (3, "Noa Itai Yael Omer Tamar Eitan Layla Omar Yasmin Karim Rania Tariq",
     "Cohen Levi Mizrahi Friedman Haddad Khalil Nasser Saleh Mansour",
     [("Tel Aviv, Israel", "Asia/Jerusalem"), ("Dubai, UAE", "Asia/Dubai"),
      ("Cairo, Egypt", "Africa/Cairo")], False),
    (5, "Liam Charlotte Lucas Ava Mason Chloé Nathan Zoë Isaac Ruby Matilda Étienne",
     "Tremblay Gagnon Roy Côté Bouchard MacDonald Nguyen Fraser Kelly Wilson",
     [("Toronto, Canada", "America/Toronto"), ("Montréal, Canada", "America/Toronto"),
      ("Vancouver, Canada", "America/Vancouver"), ("Sydney, Australia", "Australia/Sydney"),
      ("Melbourne, Australia", "Australia/Melbourne")], False),
    # Vietnamese names put the family name first, so first_name is given explicitly.
    (2, "Hương Linh Minh Anh Tuấn Thảo Quang Hà", "Nguyễn Trần Lê Phạm Hoàng Vũ",
     [("Ho Chi Minh City, Vietnam", "Asia/Ho_Chi_Minh"), ("Hanoi, Vietnam", "Asia/Ho_Chi_Minh")],
     True),
]
# fmt: on
# Names written in their own script, with the romanisation their email and profile use.
NATIVE_SCRIPT_NAMES = [
    ("李娜", "li-na", "Shanghai, China", "Asia/Shanghai"),
    ("王伟", "wang-wei", "Beijing, China", "Asia/Shanghai"),
    ("张敏", "zhang-min", "Shenzhen, China", "Asia/Shanghai"),
    ("陈静", "chen-jing", "Taipei, Taiwan", "Asia/Taipei"),
    ("佐藤健", "sato-ken", "Tokyo, Japan", "Asia/Tokyo"),
    ("김민준", "kim-minjun", "Seoul, South Korea", "Asia/Seoul"),
]
# A few names that must appear: accents, an apostrophe, a title, a multi-word family name.
FIXED_NAMES = [
    ("Zoë Müller", "", "Berlin, Germany", "Europe/Berlin"),
    ("José Núñez", "", "Madrid, Spain", "Europe/Madrid"),
    ("Siobhán O'Connor", "", "Dublin, Ireland", "Europe/Dublin"),
    ("Nguyễn Thị Hương", "Hương", "Hanoi, Vietnam", "Asia/Ho_Chi_Minh"),
    ("Łukasz Wójcik", "", "Warsaw, Poland", "Europe/Warsaw"),
    ("Dr. Amara Okafor", "Amara", "Lagos, Nigeria", "Africa/Lagos"),
    ("Ana María de la Cruz", "Ana María", "Mexico City, Mexico", "America/Mexico_City"),
    ("D'Andre Williams", "", "Atlanta, GA", "America/New_York"),
]
