"""Names for the synthetic population: people, and the user agents they sign in with.

Names come from many cultures and every culture appears in every country (with local weights), so
that a Korean, Chinese or Arabic name in a US, German or Brazilian record is as ordinary here as it is
in real contractor bases: nationality or name origin must never be what makes a record stand out.
The lists are short on purpose; uniqueness comes from the identifiers, not from the names.
"""

from __future__ import annotations


def _split(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


GIVEN: dict[str, tuple[str, ...]] = {
    "anglo": _split(
        "James, Mary, Robert, Patricia, John, Jennifer, Michael, Linda, David, Elizabeth, William, Barbara,"
        "Richard, Susan, Joseph, Jessica, Thomas, Sarah, Christopher, Karen, Daniel, Lisa, Matthew, Nancy,"
        "Anthony, Megan, Mark, Sandra, Steven, Ashley, Andrew, Emily, Joshua, Kimberly, Kevin, Donna, Brian,"
        "Michelle, Ryan, Amanda, Jacob, Melissa, Nicholas, Stephanie, Eric, Rebecca, Jonathan, Laura, Tyler,"
        "Hannah, Aaron, Olivia, Ethan, Grace, Connor, Chloe, Dylan, Abigail, Samuel, Madison"
    ),
    "hispanic": _split(
        "José, María, Juan, Carmen, Luis, Ana, Carlos, Lucía, Jorge, Sofía, Miguel, Isabel, Alejandro,"
        "Valentina, Diego, Camila, Javier, Elena, Fernando, Gabriela, Andrés, Daniela, Pablo, Mariana,"
        "Ricardo, Paula, Sergio, Adriana, Raúl, Verónica, Eduardo, Natalia, Héctor, Alejandra"
    ),
    "korean": _split(
        "Min-jun, Seo-yeon, Ji-hoon, Ha-eun, Do-yoon, Ji-woo, Seo-jun, Soo-ah, Hyun-woo, Ye-jin, Jae-won,"
        "Min-seo, Sung-min, Eun-ji, Young-ho, Hye-jin, Dong-hyun, Su-bin, Joon-young, Da-eun, Daniel,"
        "Grace, David, Sarah, Kevin, Christine"
    ),
    "chinese": _split(
        "Wei, Fang, Jing, Lei, Min, Jie, Yan, Hao, Xin, Yu, Ming, Lin, Hui, Jun, Ying, Tao, Qiang, Na,"
        "Xiaoming, Yifan, Zihan, Haoran, Yuxuan, Mei, Kevin, Vivian, Eric, Amy"
    ),
    "indian": _split(
        "Aarav, Priya, Rahul, Ananya, Vikram, Sneha, Arjun, Divya, Rohan, Kavya, Sanjay, Pooja, Amit, Neha,"
        "Karthik, Lakshmi, Suresh, Meera, Aditya, Deepika, Ravi, Anjali, Nikhil, Shreya, Vivek, Swati,"
        "Manish, Aishwarya, Harish, Nandini"
    ),
    "slavic": _split(
        "Piotr, Anna, Krzysztof, Katarzyna, Tomasz, Magdalena, Łukasz, Agnieszka, Marcin, Joanna, Michał,"
        "Aleksandra, Paweł, Natalia, Dmitri, Olga, Andriy, Iryna, Sergei, Tatiana, Oleksandr, Yulia, Ivan,"
        "Svetlana, Jakub, Zofia, Bartosz, Ewa"
    ),
    "arabic": _split(
        "Mohammed, Fatima, Ahmed, Aisha, Omar, Layla, Ali, Mariam, Youssef, Noor, Khalid, Sara, Hassan,"
        "Huda, Ibrahim, Rania, Tariq, Yasmin, Karim, Salma, Hamza, Leila, Samir, Dina"
    ),
    "german": _split(
        "Lukas, Anna, Leon, Lea, Jonas, Lena, Felix, Hannah, Maximilian, Laura, Paul, Julia, Tobias, Sophie,"
        "Jan, Katharina, Niklas, Marie, Florian, Johanna, Sebastian, Franziska, Moritz, Charlotte"
    ),
    "lusophone": _split(
        "João, Ana, Pedro, Beatriz, Lucas, Juliana, Gabriel, Larissa, Rafael, Fernanda, Matheus, Camila,"
        "Gustavo, Amanda, Felipe, Letícia, Bruno, Mariana, Thiago, Carolina, Vinícius, Bianca"
    ),
    "filipino": _split(
        "Jose, Maria, Mark, Kristine, John Paul, Angelica, Paolo, Camille, Carlo, Patricia, Miguel, Bea,"
        "Rafael, Joanna, Christian, Nicole, Francis, Jasmine, Jerome, Mae, Ramon, Rowena"
    ),
    "dutch": _split(
        "Daan, Emma, Sem, Julia, Lucas, Sophie, Levi, Tess, Finn, Anna, Milan, Sara, Bram, Lotte, Thijs, Eva,"
        "Ruben, Fleur, Jesse, Noor, Stijn, Iris"
    ),
}

FAMILY: dict[str, tuple[str, ...]] = {
    "anglo": _split(
        "Smith, Johnson, Williams, Brown, Jones, Miller, Davis, Wilson, Anderson, Taylor, Thomas, Moore,"
        "Jackson, Martin, Thompson, White, Harris, Clark, Lewis, Robinson, Walker, Young, Allen, King,"
        "Wright, Scott, Hill, Green, Adams, Baker, Nelson, Carter, Mitchell, Roberts, Turner, Phillips,"
        "Campbell, Parker, Evans, Edwards, Collins, Stewart, Murphy, Cook, Rogers, Morgan, Bennett, Hughes"
    ),
    "hispanic": _split(
        "García, Rodríguez, Martínez, Hernández, López, González, Pérez, Sánchez, Ramírez, Torres, Flores,"
        "Rivera, Gómez, Díaz, Morales, Ortiz, Castillo, Romero, Vargas, Reyes, Ruiz, Jiménez, Moreno,"
        "Álvarez, Mendoza, Navarro, Domínguez, Gutiérrez, Herrera, Medina"
    ),
    "korean": _split(
        "Kim, Lee, Park, Choi, Jung, Kang, Cho, Yoon, Jang, Lim, Han, Oh, Seo, Shin, Kwon, Hwang, Ahn, Song,"
        "Yoo, Hong, Jeon, Moon"
    ),
    "chinese": _split(
        "Wang, Li, Zhang, Liu, Chen, Yang, Huang, Zhao, Wu, Zhou, Xu, Sun, Ma, Zhu, Hu, Guo, He, Lin, Gao,"
        "Luo, Zheng, Liang, Tan, Wong"
    ),
    "indian": _split(
        "Sharma, Patel, Singh, Kumar, Gupta, Reddy, Iyer, Nair, Rao, Mehta, Joshi, Das, Chatterjee, Banerjee,"
        "Verma, Agarwal, Pillai, Menon, Desai, Kapoor, Krishnan, Bhat, Malhotra, Saxena"
    ),
    "slavic": _split(
        "Nowak, Kowalski, Wiśniewski, Wójcik, Kamiński, Lewandowski, Zieliński, Szymański, Dąbrowski,"
        "Kozłowski, Ivanov, Petrenko, Kovalenko, Shevchenko, Bondarenko, Novak, Horvat, Popov, Sokolov,"
        "Volkov, Mazur, Krawczyk, Pawlak, Michalski"
    ),
    "arabic": _split(
        "Al-Sayed, Haddad, Khoury, Nasser, Mansour, Rahman, Hussein, Farouk, Saleh, Aziz, Hamdan, Qureshi,"
        "Khalil, Darwish, Abboud, Bakr, Suleiman, Al-Amin, Jaber, Hashemi, Naji, Sabbagh"
    ),
    "german": _split(
        "Müller, Schmidt, Schneider, Fischer, Weber, Meyer, Wagner, Becker, Schulz, Hoffmann, Koch, Richter,"
        "Klein, Wolf, Schröder, Neumann, Schwarz, Braun, Zimmermann, Hartmann, Krüger, Lange"
    ),
    "lusophone": _split(
        "Silva, Santos, Oliveira, Souza, Rodrigues, Ferreira, Alves, Pereira, Lima, Gomes, Costa, Ribeiro,"
        "Martins, Carvalho, Almeida, Lopes, Soares, Fernandes, Vieira, Barbosa, Rocha, Dias"
    ),
    "filipino": _split(
        "Santos, Reyes, Cruz, Bautista, Ocampo, Garcia, Mendoza, Torres, Tomas, Andrada, Castillo, Flores,"
        "Villanueva, Ramos, Castro, Rivera, Aquino, Navarro, Salazar, Mercado, Dizon, Manalo"
    ),
    "dutch": _split(
        "de Jong, Jansen, de Vries, van den Berg, van Dijk, Bakker, Janssen, Visser, Smit, Meijer, de Boer,"
        "Mulder, de Groot, Bos, Vos, Peters, Hendriks, van Leeuwen, Dekker, Brouwer"
    ),
}


USER_AGENTS = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/128.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/128.0.0.0 Safari/537.36 Edg/128.0.0.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.6 Safari/605.1.15",
    "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0",
    "Okta Verify/9.27.0 (macOS 14.6; MacBookPro18,3)",
)
