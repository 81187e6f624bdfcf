"""residanat: the life of a medical trainee in Morocco, correct to the article."""
